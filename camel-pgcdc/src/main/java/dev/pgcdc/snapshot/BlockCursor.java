package dev.pgcdc.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the snapshot of a table without a key stands: the next heap block to read (chunks are ctid ranges of whole
 * blocks) and the horizon, a snapshot taken when the table's snapshot was planned (right after the stream started),
 * with xids as a row's {@code xmin} carries them (32 bits). Chunks read only row versions the horizon sees: a row version written after it reached
 * the route through the stream (it committed after the first low watermark), and reading it again from a block not
 * yet read would deliver it twice, which a table without a key cannot absorb.
 *
 * <p>Saved as the table's progress key: next block, horizon xmin, horizon xmax, then the running xids.
 *
 * @param running the xids running at the horizon, not yet visible to it
 */
record BlockCursor(long nextBlock, long xmin, long xmax, List<Long> running) {

    private static final long XID_SPACE = 1L << 32;

    BlockCursor {
        running = List.copyOf(running);
    }

    /**
     * A cursor at block 0 with the connection's current snapshot (its transaction's, if one is open) as horizon.
     */
    static BlockCursor horizon(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT txid_snapshot_xmin(s) % 4294967296,"
                + " txid_snapshot_xmax(s) % 4294967296,"
                + " ARRAY(SELECT x % 4294967296 FROM txid_snapshot_xip(s) x) FROM txid_current_snapshot() s");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new BlockCursor(0, rs.getLong(1), rs.getLong(2), Arrays.asList((Long[]) rs.getArray(3).getArray()));
        }
    }

    static BlockCursor of(List<String> key) {
        List<Long> running = new ArrayList<>();
        for (String xid : key.subList(3, key.size())) {
            running.add(Long.parseLong(xid));
        }
        return new BlockCursor(Long.parseLong(key.get(0)), Long.parseLong(key.get(1)), Long.parseLong(key.get(2)),
                running);
    }

    List<String> toKey() {
        List<String> key = new ArrayList<>(List.of(Long.toString(nextBlock), Long.toString(xmin),
                Long.toString(xmax)));
        running.forEach(xid -> key.add(Long.toString(xid)));
        return key;
    }

    BlockCursor at(long block) {
        return new BlockCursor(block, xmin, xmax, running);
    }

    /**
     * SQL: the row version's {@code xmin} is visible to the horizon. xids compare modulo 2^32 as the server compares
     * them (a live row's xmin is within 2^31 of now; a frozen row's reads as 2). A row written by a subtransaction
     * of a transaction running at the horizon is not recognised as such (SQL shows no subtransaction ids).
     */
    String visibleCondition() {
        String x = "xmin::text::bigint";
        String notRunning = running.isEmpty() ? "" : " AND " + x + " <> ALL ('{"
                + running.stream().map(String::valueOf).collect(Collectors.joining(",")) + "}'::bigint[])";
        return "(" + x + " < 3 OR " + precedes(x, xmin) + " OR (" + precedes(x, xmax) + notRunning + "))";
    }

    private static String precedes(String x, long xid) {
        return "((" + x + " - " + xid + ") % " + XID_SPACE + " + " + XID_SPACE + ") % " + XID_SPACE + " >= "
                + (XID_SPACE / 2);
    }
}
