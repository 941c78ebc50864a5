package dev.pgcdc.snapshot;

import dev.pgcdc.setup.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;

/**
 * The signal table: a small table in the publication whose inserts reach the consumer through the stream, in commit
 * order with every other change. The snapshot writes its chunk watermarks there, and users insert a
 * {@value #SNAPSHOT} row to ask for a table to be snapshotted again:
 *
 * <pre>INSERT INTO pgcdc_signal (slot_name, kind, table_name) VALUES ('orders_slot', 'snapshot', 'public.orders');</pre>
 *
 * <p>Rows are deleted once handled, so the table stays tiny; its changes are never delivered to the route.
 */
final class SignalTable {

    static final String SNAPSHOT = "snapshot";
    static final String LOW_WATERMARK = "low-watermark";
    static final String HIGH_WATERMARK = "high-watermark";

    /** A signal as the stream delivered it; {@code data} is the chunk id of a watermark. */
    record Signal(long id, String slotName, String kind, String tableName, String data) {
    }

    private final TableName table;
    private final String slotName;

    SignalTable(TableName table, String slotName) {
        this.table = table;
        this.slotName = slotName;
    }

    TableName id() {
        return table;
    }

    static String ddl(TableName table) {
        return "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (id bigserial PRIMARY KEY, slot_name text NOT NULL,"
                + " kind text NOT NULL, table_name text NOT NULL, data text,"
                + " created_at timestamptz NOT NULL DEFAULT now())";
    }

    /** The signal a streamed insert into this table carries, or null for any other change. */
    static Signal parse(ChangeEvent change) {
        if (change.getOp() != Operation.INSERT) {
            return null;
        }
        Map<String, Object> row = change.getAfter();
        // a Long, or its text with valueFormat=text
        return new Signal(Long.parseLong(String.valueOf(row.get("id"))), (String) row.get("slot_name"),
                (String) row.get("kind"), (String) row.get("table_name"), (String) row.get("data"));
    }

    /**
     * Writes (and commits) the low watermark of a chunk, deleting the previous chunk's high watermark in the same
     * statement; then returns the transactions running right after it committed (see {@link ChunkReader}).
     */
    LowWatermark writeLow(Connection connection, TableName snapshotted, String chunkId, Long previousHigh)
            throws SQLException {
        long id = insert(connection, LOW_WATERMARK, snapshotted, chunkId, previousHigh);
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT array(SELECT txid_snapshot_xip(txid_current_snapshot()))")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Array running = rs.getArray(1);
                Long[] xids = (Long[]) running.getArray();
                return new LowWatermark(id, Arrays.stream(xids).mapToLong(Long::longValue).toArray());
            }
        }
    }

    record LowWatermark(long id, long[] runningTransactions) {
    }

    /** Writes (and commits) the high watermark of a chunk, deleting its low watermark; returns the new row's id. */
    long writeHigh(Connection connection, TableName snapshotted, String chunkId, long low) throws SQLException {
        return insert(connection, HIGH_WATERMARK, snapshotted, chunkId, low);
    }

    private long insert(Connection connection, String kind, TableName snapshotted, String chunkId, Long deleteId)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("WITH handled AS (DELETE FROM " + table.quoted()
                + " WHERE id = ?) INSERT INTO " + table.quoted() + " (slot_name, kind, table_name, data)"
                + " VALUES (?, ?, ?, ?) RETURNING id")) {
            if (deleteId == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, deleteId);
            }
            ps.setString(2, slotName);
            ps.setString(3, kind);
            ps.setString(4, snapshotted.toString());
            ps.setString(5, chunkId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Deletes the watermarks of this slot left by a consumer that stopped in the middle of a chunk. */
    void deleteWatermarks(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table.quoted()
                + " WHERE slot_name = ? AND kind IN (?, ?)")) {
            ps.setString(1, slotName);
            ps.setString(2, LOW_WATERMARK);
            ps.setString(3, HIGH_WATERMARK);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes a handled signal row.
     *
     * @return whether it was still there: false means it was handled before (the stream delivers a signal again
     *         after a restart from an earlier position), so a snapshot request must not be acted on twice
     */
    boolean delete(Connection connection, long id) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table.quoted() + " WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }
}
