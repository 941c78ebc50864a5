package dev.pgcdc.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A running PostgreSQL server with logical replication enabled, as tests, the runner and the benchmark
 * see it. {@link PostgresCluster} is the local implementation; a container-based one can implement the
 * same interface. The SQL helpers connect as the superuser and fail with {@link PostgresException}.
 */
public interface PostgresServer extends AutoCloseable {

    String host();

    int port();

    String superuser();

    String superuserPassword();

    /** Directory of the server's programs; client programs are better found with {@link #tool(String)}. */
    Path binDir();

    /** A client program such as {@code pg_recvlogical}, see {@link PostgresInstallation#tool(String)}. */
    Path tool(String name);

    /** Applies changed postgresql.conf settings (e.g. {@code wal_sender_timeout}) by restarting the server. */
    void restart(Map<String, String> changedSettings);

    /** Stops the server and deletes its data. Does nothing when it is not running. */
    void stop();

    @Override
    default void close() {
        stop();
    }

    default String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    default Connection connect() {
        return connect(superuser(), superuserPassword());
    }

    default Connection connect(String role, String password) {
        return connect(jdbcUrl(), role, password);
    }

    /** Connects as the superuser to another database. */
    default Connection connectTo(String database) {
        return connect(jdbcUrl(database), superuser(), superuserPassword());
    }

    private static Connection connect(String url, String role, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", role);
        if (password != null) {
            properties.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new PostgresException("cannot connect to " + url + " as " + role + ": " + e.getMessage(), e);
        }
    }

    /** Runs each statement in its own auto-committed transaction. */
    default void execute(String... sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        } catch (SQLException e) {
            throw new PostgresException("SQL failed: " + e.getMessage(), e);
        }
    }

    /** Rows as column-label to value maps, in column order. */
    default List<Map<String, Object>> queryForList(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<Map<String, Object>> result = new ArrayList<>();
                while (rows.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.put(meta.getColumnLabel(column), rows.getObject(column));
                    }
                    result.add(row);
                }
                return result;
            }
        } catch (SQLException e) {
            throw new PostgresException("query failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first column of the only row; fails unless the query returns exactly one row. The type must be
     * the one pgjdbc returns (cast in SQL, e.g. {@code count(*)::int} for Integer).
     */
    default <T> T queryForObject(String sql, Class<T> type, Object... parameters) {
        List<Map<String, Object>> rows = queryForList(sql, parameters);
        if (rows.size() != 1) {
            throw new PostgresException("expected one row but got " + rows.size() + " from: " + sql);
        }
        return type.cast(rows.get(0).values().iterator().next());
    }

    default void createDatabase(String name) {
        execute("CREATE DATABASE " + SqlQuoting.identifier(name));
    }

    /**
     * Creates a role; attributes are CREATE ROLE options as SQL, e.g. {@code LOGIN}, {@code REPLICATION},
     * {@code "PASSWORD " + SqlQuoting.literal(password)}.
     */
    default void createRole(String name, String... attributes) {
        execute(("CREATE ROLE " + SqlQuoting.identifier(name) + " " + String.join(" ", attributes)).strip());
    }

    default List<ReplicationSlot> replicationSlots() {
        String walStatus = serverVersionNum() >= 130000 ? "wal_status" : "NULL::text AS wal_status";
        List<ReplicationSlot> slots = new ArrayList<>();
        for (Map<String, Object> row : queryForList("SELECT slot_name::text, plugin::text, slot_type, database::text,"
                + " active, active_pid, restart_lsn::text, confirmed_flush_lsn::text, " + walStatus
                + " FROM pg_replication_slots ORDER BY slot_name")) {
            slots.add(new ReplicationSlot((String) row.get("slot_name"), (String) row.get("plugin"),
                    (String) row.get("slot_type"), (String) row.get("database"), (Boolean) row.get("active"),
                    (Integer) row.get("active_pid"), (String) row.get("restart_lsn"),
                    (String) row.get("confirmed_flush_lsn"), (String) row.get("wal_status")));
        }
        return slots;
    }

    /** Ends every walsender (replication connection); returns how many were signalled. */
    default int terminateWalSenders() {
        // the CTE keeps the filter ahead of the volatile call: a plain WHERE could let the planner
        // evaluate pg_terminate_backend on other backends before testing backend_type
        return queryForObject("WITH terminated AS (SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity"
                + " WHERE backend_type = 'walsender') SELECT (count(*) FILTER (WHERE done))::int FROM terminated",
                Integer.class);
    }

    /** e.g. 180006 for 18.6, 150020 for 15.20. */
    default int serverVersionNum() {
        return queryForObject("SELECT current_setting('server_version_num')::int", Integer.class);
    }

    default int major() {
        return serverVersionNum() / 10000;
    }
}
