package dev.pgcdc.setup;

import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.TableShape;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;

/**
 * Reads the server's settings, the connecting role's capabilities and the state of the slot, publication, tables
 * and the connector's own tables. It only reads: every query is a SELECT on catalogs and functions, except the
 * plugin probe, which creates and drops a temporary slot. Catalog columns that older versions lack are left out of
 * the SQL for them (the facts then hold null).
 */
public final class SetupInspector {

    private static final String SERVER_SQL = """
            SELECT current_setting('server_version_num')::int, current_database(),
                   current_setting('wal_level'), current_setting('max_replication_slots')::int,
                   (SELECT count(*) FROM pg_replication_slots)::int, current_setting('max_wal_senders')::int,
                   current_setting('max_slot_wal_keep_size', true), pg_is_in_recovery()""";

    // rds_replication may not exist; pg_has_role on a missing role name would fail, on no row it is not called
    private static final String USER_SQL = """
            SELECT r.rolname, r.rolsuper, r.rolreplication, r.rolcanlogin,
                   has_database_privilege(current_database(), 'CREATE'),
                   rds.oid IS NOT NULL, COALESCE(pg_has_role(r.oid, rds.oid, 'MEMBER'), false)
            FROM pg_roles r LEFT JOIN pg_roles rds ON rds.rolname = 'rds_replication'
            WHERE r.rolname = current_user""";

    // ownership as PostgreSQL checks it: being the owner or a member of the owning role (USAGE = inherits it);
    // privileges one by one, as has_table_privilege with a list is true when any one of them is held; a table
    // privilege does not need USAGE on the schema to be granted, but does to be used, hence that one too
    private static final String TABLES_SQL = """
            SELECT t.schema_name, t.table_name, n.oid IS NOT NULL, c.oid IS NOT NULL,
                   COALESCE(has_schema_privilege(n.oid, 'CREATE'), false),
                   COALESCE(pg_has_role(c.relowner, 'USAGE'), false),
                   COALESCE(has_table_privilege(c.oid, 'SELECT'), false),
                   COALESCE((SELECT bool_and(has_table_privilege(c.oid, p))
                             FROM unnest(string_to_array(t.privileges, ', ')) AS p), true),
                   COALESCE(has_schema_privilege(n.oid, 'USAGE'), false)
            FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS t(schema_name, table_name, privileges, ord)
            LEFT JOIN pg_namespace n ON n.nspname = t.schema_name
            LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.table_name AND c.relkind IN ('r', 'p')
            ORDER BY t.ord""";

    // "every table": what FOR ALL TABLES publishes; partitions travel with their root
    private static final String ALL_TABLES_SQL = """
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY n.nspname, c.relname""";

    private static final String PUBLICATION_SQL = """
            SELECT p.oid, p.pubname, pg_has_role(p.pubowner, 'USAGE'), p.puballtables, %s,
                   p.pubinsert, p.pubupdate, p.pubdelete, %s, obj_description(p.oid, 'pg_publication')
            FROM pg_publication p WHERE p.pubname = ?""";

    private static final String PUBLICATION_LISTED_SQL = """
            SELECT n.nspname, c.relname FROM pg_publication_rel pr
            JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE pr.prpubid = ?""";

    private static final String PUBLICATION_SCHEMAS_SQL = """
            SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid
            WHERE pn.pnpubid = ?""";

    private static final String PUBLICATION_TABLES_SQL =
            "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2";

    private static final String FAILOVER_SQL = "SELECT current_setting('synchronized_standby_slots')";

    /** Physical standbys only: logical walsenders (pgcdc's own included) have a database. */
    private static final String STANDBYS_SQL = """
            SELECT r.application_name, coalesce(host(r.client_addr), 'local'), s.slot_name::text
            FROM pg_stat_replication r
            LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
            WHERE s.slot_type IS DISTINCT FROM 'logical'
            ORDER BY 1, 2""";

    private final Connection connection;

    public SetupInspector(Connection connection) {
        this.connection = connection;
    }

    public ServerFacts inspect(SetupRequest request) {
        try {
            return inspectOrFail(request);
        } catch (SQLException e) {
            throw new SetupException("Could not read the server's setup state: " + e.getMessage(), e);
        }
    }

    private ServerFacts inspectOrFail(SetupRequest request) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SERVER_SQL);
                ResultSet server = statement.executeQuery()) {
            server.next();
            int version = server.getInt(1);
            if (version < 100000) {
                throw new SetupException("PostgreSQL (server_version_num " + version + ") is too old: pgcdc needs"
                        + " PostgreSQL 10 or newer for logical replication with publications.");
            }
            PublicationFacts publication = request.usesPublication()
                    ? publication(request.publicationName(), version) : null;
            SlotState slot = new ReplicationSlot(request.slotName()).read(connection);
            boolean probe = needsProbe(request, slot);
            List<String> allowedPlugins = probe ? allowedPlugins(outputPluginLibraries()) : null;
            return new ServerFacts(version, server.getString(2), server.getString(3), server.getInt(4),
                    server.getInt(5), server.getInt(6), server.getString(7), server.getBoolean(8), user(),
                    tables(selectedTables(request, publication), table -> ""),
                    tables(request.connectorTableNames(), table -> request.connectorTable(table).privileges()),
                    publication, slot, allowedPlugins,
                    probe ? probePlugin(request.plugin(), allowedPlugins) : PluginAvailability.LOADABLE,
                    request.slotFailover() && version >= 170000 ? failover() : null);
        }
    }

    /** The slot's own failover flag is in its {@link SlotState}. */
    private FailoverFacts failover() throws SQLException {
        String synchronizedSlots;
        try (PreparedStatement statement = connection.prepareStatement(FAILOVER_SQL);
                ResultSet row = statement.executeQuery()) {
            row.next();
            synchronizedSlots = row.getString(1);
        }
        List<FailoverFacts.Standby> standbys = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(STANDBYS_SQL);
                ResultSet row = statement.executeQuery()) {
            while (row.next()) {
                standbys.add(new FailoverFacts.Standby(row.getString(1), row.getString(2), row.getString(3)));
            }
        }
        return new FailoverFacts(synchronizedSlots, standbys);
    }

    /**
     * Whether it must be found out if a slot can be created with the output plugin: not for pgoutput, which is built
     * in, nor when the slot already uses the plugin. Output plugins are no extensions ({@code pg_available_extensions}
     * does not list them) and the library directory is not readable to every role, hence a probe.
     */
    private static boolean needsProbe(SetupRequest request, SlotState slot) {
        return !SetupRequest.PGOUTPUT.equals(request.plugin())
                && (slot == null || !request.plugin().equals(slot.plugin()));
    }

    /** A plugin the visible setting does not list needs no probe; the probe also sees a setting the role cannot. */
    private PluginAvailability probePlugin(String plugin, List<String> allowedPlugins) throws SQLException {
        if (allowedPlugins != null && !allowedPlugins.contains(plugin)) {
            return PluginAvailability.NOT_ALLOWED;
        }
        return new PluginProbe(connection).availability(plugin);
    }

    /**
     * The setting by which some server builds allow only the listed output plugins; null where there is no such
     * setting or the role may not see it (it is readable with pg_read_all_settings only).
     */
    private String outputPluginLibraries() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'output_plugin_libraries'");
                ResultSet row = statement.executeQuery()) {
            return row.next() ? row.getString(1) : null;
        }
    }

    /**
     * The elements of the list setting {@code output_plugin_libraries} as the server shows it: comma-separated, an
     * element in double quotes when it needs them (e.g. one set as {@code 'a, b'}); null for null.
     */
    static List<String> allowedPlugins(String setting) {
        if (setting == null) {
            return null;
        }
        List<String> elements = new ArrayList<>();
        StringBuilder element = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < setting.length(); i++) {
            char c = setting.charAt(i);
            if (c == '"' && quoted && i + 1 < setting.length() && setting.charAt(i + 1) == '"') {
                element.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                elements.add(element.toString().trim());
                element.setLength(0);
            } else {
                element.append(c);
            }
        }
        if (!element.toString().isBlank() || !elements.isEmpty()) {
            elements.add(element.toString().trim());
        }
        return List.copyOf(elements);
    }

    private UserFacts user() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(USER_SQL);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return new UserFacts(row.getString(1), row.getBoolean(2), row.getBoolean(3), row.getBoolean(4),
                    row.getBoolean(5), row.getBoolean(6), row.getBoolean(7));
        }
    }

    /**
     * The requested tables; none requested means the publication's tables, or all tables when it is missing; none
     * when the tables option selects nothing, which is no request for every table.
     */
    private List<TableName> selectedTables(SetupRequest request, PublicationFacts publication) throws SQLException {
        if (request.nothingSelected() != null) {
            return List.of();
        }
        List<TableName> selected = !request.tables().isEmpty() ? request.tables()
                : publication != null ? List.copyOf(publication.publishedTables())
                : tableNames(ALL_TABLES_SQL, null);
        return selected.stream().filter(table -> request.connectorTable(table) == null).toList();
    }

    /** @param privileges what the role needs on each table, as a GRANT lists them; "" for none */
    private List<TableFacts> tables(List<TableName> names, Function<TableName, String> privileges)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLES_SQL)) {
            statement.setArray(1, textArray(names.stream().map(TableName::schema).toArray()));
            statement.setArray(2, textArray(names.stream().map(TableName::name).toArray()));
            statement.setArray(3, textArray(names.stream().map(privileges).toArray()));
            List<TableFacts> tables = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    TableName name = TableName.of(row.getString(1), row.getString(2));
                    tables.add(row.getBoolean(4)
                            ? new TableFacts(name, true, true, row.getBoolean(5), row.getBoolean(6), row.getBoolean(7),
                                    row.getBoolean(8), false, ReplicaIdentity.DEFAULT, row.getBoolean(9))
                            : TableFacts.missing(name, row.getBoolean(3), row.getBoolean(5), row.getBoolean(9)));
                }
            }
            // the key and replica identity as the catalog answers them for the stream
            Map<TableName, TableShape> shapes = new PgCatalog(connection).shapes(
                    tables.stream().filter(TableFacts::exists).map(TableFacts::name).toList());
            tables.replaceAll(table -> {
                TableShape shape = shapes.get(table.name());
                return shape == null ? table : new TableFacts(table.name(), true, true, table.createOnSchema(),
                        table.owned(), table.canSelect(), table.privileged(), !shape.primaryKey().isEmpty(),
                        ReplicaIdentity.fromCatalogCode(String.valueOf(shape.replicaIdentity())),
                        table.usageOnSchema());
            });
            return tables;
        }
    }

    private PublicationFacts publication(String name, int version) throws SQLException {
        // pubviaroot exists from PG13, pubtruncate from PG11
        String sql = PUBLICATION_SQL.formatted(version >= 130000 ? "p.pubviaroot" : "NULL::boolean",
                version >= 110000 ? "p.pubtruncate" : "false");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                long oid = row.getLong(1);
                // pg_publication_namespace (FOR TABLES IN SCHEMA) exists from PG15
                Set<String> schemas = version >= 150000 ? schemas(oid) : Set.of();
                return new PublicationFacts(row.getString(2), row.getBoolean(3), row.getBoolean(4), schemas,
                        Set.copyOf(tableNames(PUBLICATION_LISTED_SQL, oid)),
                        Set.copyOf(tableNames(PUBLICATION_TABLES_SQL, name)), (Boolean) row.getObject(5),
                        operations(row), row.getString(10));
            }
        }
    }

    private static Set<String> operations(ResultSet publication) throws SQLException {
        Set<String> operations = new LinkedHashSet<>();
        List<String> names = List.of("insert", "update", "delete", "truncate");
        for (int i = 0; i < names.size(); i++) {
            if (publication.getBoolean(6 + i)) {
                operations.add(names.get(i));
            }
        }
        return operations;
    }

    private Set<String> schemas(long publicationOid) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PUBLICATION_SCHEMAS_SQL)) {
            statement.setLong(1, publicationOid);
            Set<String> schemas = new LinkedHashSet<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    schemas.add(row.getString(1));
                }
            }
            return schemas;
        }
    }

    /** Runs a query returning (schema, table) rows; {@code parameter} is bound to its only placeholder, if any. */
    private List<TableName> tableNames(String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setObject(1, parameter);
            }
            List<TableName> names = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    names.add(TableName.of(row.getString(1), row.getString(2)));
                }
            }
            return names;
        }
    }

    private Array textArray(Object[] values) throws SQLException {
        return connection.createArrayOf("text", values);
    }
}
