package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pgcdc.connect.PgConnector;

/**
 * Keeps snapshot progress in a table of the source database (by default {@code public.pgcdc_snapshot_state}), one
 * row per slot and table, so a consumer that runs anywhere finds it again. Not part of the publication.
 *
 * <p>{@code last_key} holds the last key read as a one-dimensional array while the table is not split; once it is
 * split into ranges, a two-dimensional array with one row per range: {@code {after, upTo, done, rows}}, the keys as
 * JSON arrays of their columns' text (or NULL), {@code done} as {@code t}/{@code f}. {@code array_ndims} tells the
 * two apart, so progress saved before ranges existed still loads (as a table not split yet) and the table needs no
 * new column.
 */
public final class TableStateStore implements SnapshotStateStore, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> KEY = new TypeReference<>() {
    };

    private final PgConnector connector;
    private final String slotName;
    private final TableName table;
    private Connection connection;
    /** Its consumer stopped: a late save opens no connection that nobody would close. */
    private boolean closed;

    public TableStateStore(PgConnector connector, String slotName, TableName table) {
        this.connector = connector;
        this.slotName = slotName;
        this.table = table;
    }

    static String ddl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (slot_name text NOT NULL, schema_name text NOT NULL,"
                + " table_name text NOT NULL, done boolean NOT NULL, last_key text[], rows_done bigint NOT NULL,"
                + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (slot_name, schema_name, table_name))";
    }

    @Override
    public synchronized TableProgress load(TableName snapshotted) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("SELECT done, last_key, rows_done,"
                + " array_ndims(last_key) FROM "
                + table.quoted() + " WHERE slot_name = ? AND schema_name = ? AND table_name = ?")) {
            ps.setString(1, slotName);
            ps.setString(2, snapshotted.schema());
            ps.setString(3, snapshotted.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Array key = rs.getArray(2);
                if (rs.getInt(4) == 2) {
                    return TableProgress.of(ranges((String[][]) key.getArray()));
                }
                return new TableProgress(rs.getBoolean(1),
                        key == null ? null : Arrays.asList((String[]) key.getArray()), rs.getLong(3));
            }
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
    }

    @Override
    public synchronized void save(TableName snapshotted, TableProgress progress) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("INSERT INTO " + table.quoted()
                + " (slot_name, schema_name, table_name, done, last_key, rows_done) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (slot_name, schema_name, table_name) DO UPDATE SET done = excluded.done,"
                + " last_key = excluded.last_key, rows_done = excluded.rows_done, updated_at = now()")) {
            ps.setString(1, slotName);
            ps.setString(2, snapshotted.schema());
            ps.setString(3, snapshotted.name());
            ps.setBoolean(4, progress.done());
            Object[] key = progress.ranges() != null ? cells(progress.ranges())
                    : progress.lastKey() == null ? null : progress.lastKey().toArray(String[]::new);
            ps.setArray(5, key == null ? null : ps.getConnection().createArrayOf("text", key));
            ps.setLong(6, progress.rowsDone());
            ps.executeUpdate();
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
    }

    private static String[][] cells(List<RangeProgress> ranges) {
        String[][] cells = new String[ranges.size()][];
        for (int i = 0; i < cells.length; i++) {
            RangeProgress range = ranges.get(i);
            cells[i] = new String[] {json(range.after()), json(range.upTo()), range.done() ? "t" : "f",
                    Long.toString(range.rowsDone())};
        }
        return cells;
    }

    private static List<RangeProgress> ranges(String[][] cells) {
        List<RangeProgress> ranges = new ArrayList<>();
        for (String[] range : cells) {
            ranges.add(new RangeProgress(key(range[0]), key(range[1]), "t".equals(range[2]),
                    Long.parseLong(range[3])));
        }
        return ranges;
    }

    private static String json(List<String> key) {
        try {
            return key == null ? null : JSON.writeValueAsString(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> key(String json) {
        try {
            return json == null ? null : JSON.readValue(json, KEY);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable range key in the snapshot state: " + json, e);
        }
    }

    @Override
    public synchronized void forgetAll() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("DELETE FROM " + table.quoted()
                + " WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            ps.executeUpdate();
        } catch (SQLException e) {
            closeConnection();
            throw e;
        }
    }

    /** One connection for all workers, opened on first use and again after a failure. */
    private Connection connection() throws SQLException {
        if (closed) {
            throw new IllegalStateException("The snapshot state store of slot " + slotName + " is closed (its consumer"
                    + " stopped); the chunk is read again at the next start");
        }
        if (connection == null) {
            connection = connector.openJdbc("pgcdc " + slotName + " snapshot state");
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken anyway; the next call opens a new one
            }
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeConnection();
    }
}
