package dev.pgcdc.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.pgcdc.pg.Identifiers;
import dev.pgcdc.pg.PgCatalog;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the next chunk of a range of a table: the {@code chunkSize} rows after the last key and up to the range's
 * last key, in key order, with {@code COPY (SELECT ... WHERE (key) > (...) AND (key) <= (...) ORDER BY key LIMIT n)
 * TO STDOUT} (at COPY speed, with no cursor round trips) in a short REPEATABLE READ transaction. The binary format
 * when every column's type has one the stream's decoders read ({@link TableLayout#binary()}): the server sends it
 * with less work than text and its values need no parsing, so it reads faster than text; else the text format, the
 * same text the stream carries.
 *
 * <p>Before reading, it waits until the transactions that were running just after the low watermark committed
 * have ended. Without that wait a transaction could commit in the WAL before the low watermark and yet not be
 * visible to the chunk's read (a commit is written to the WAL before it becomes visible, and with synchronous
 * replication it stays invisible while the standby confirms): its change would be missing from the chunk, and,
 * being before the watermark, would not remove the row from it either, so the chunk would overwrite it with the
 * older value.
 */
final class ChunkReader {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkReader.class);
    private static final long WAIT_WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The pause between polls for running transactions: short at first, doubling while none of them ends. */
    private static final long FIRST_POLL_PAUSE_MILLIS = 2;
    private static final long LONGEST_POLL_PAUSE_MILLIS = 500;

    private final int chunkSize;

    ChunkReader(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    int chunkSize() {
        return chunkSize;
    }

    /**
     * Makes the connection's transactions REPEATABLE READ, once: setting it per chunk would cost a round trip each.
     * The watermarks' single-statement transactions on the same connection are unaffected by the level.
     */
    void prepare(Connection connection) throws SQLException {
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }

    /**
     * Reads the next {@code chunkSize} rows after {@code afterKey} up to {@code upTo} in key order, in one transaction
     * at the isolation {@link #prepare} set.
     *
     * @param afterKey the key text of the last row already read, or null to start at the beginning
     * @param upTo the key text of the range's last key, or null to read to the end of the table
     * @param runningAtLowWatermark the transaction ids running right after the low watermark committed
     */
    Chunk read(Connection connection, TableLayout table, List<String> afterKey, List<String> upTo,
               long[] runningAtLowWatermark) throws SQLException, InterruptedException {
        return inTransaction(connection, table, runningAtLowWatermark, () -> {
            Chunk chunk = copy(connection, table, query(table, afterKey, upTo), true);
            return new Chunk(chunk.rows(), chunk.lastKey(), chunk.size() < chunkSize);
        });
    }

    /**
     * Reads the rows of a table without a key in {@code blocks} heap blocks from the cursor's, up to {@code endBlock}
     * (null: the end of the table), those the cursor's horizon sees. A ctid range is a TID range scan on PostgreSQL
     * 14+; older servers scan the whole table for each chunk.
     */
    Chunk readBlocks(Connection connection, TableLayout table, BlockCursor from, long blocks, Long endBlock,
                     long[] runningAtLowWatermark) throws SQLException, InterruptedException {
        return inTransaction(connection, table, runningAtLowWatermark, () -> {
            long end = endBlock == null ? from.nextBlock() + blocks : Math.min(endBlock, from.nextBlock() + blocks);
            String range = "ctid >= '(" + from.nextBlock() + ",0)'::tid AND ctid < '(" + end + ",0)'::tid AND "
                    + from.visibleCondition();
            Chunk chunk = copy(connection, table, query(table, range, "", false), false);
            // measured after the read's snapshot was taken: every row version it sees lies in these blocks
            boolean last = endBlock != null ? end >= endBlock : end >= new PgCatalog(connection).blocks(table.id());
            return new Chunk(chunk.rows(), from.at(end).toKey(), last);
        });
    }

    private interface Read {
        Chunk run() throws SQLException;
    }

    private static Chunk inTransaction(Connection connection, TableLayout table, long[] runningAtLowWatermark,
                                       Read read) throws SQLException, InterruptedException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            awaitEnded(connection, table, runningAtLowWatermark);
            Chunk chunk = read.run();
            connection.commit();
            return chunk;
        } finally {
            if (!connection.isClosed()) {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /**
     * Leaves the transaction open with a snapshot in which none of {@code xids} is still running. Polls, as there is
     * no way to wait on another session's commit: every 2 ms at first, backing off to 500 ms while a long transaction
     * stays open, and quickly again once one of them ended.
     */
    static void awaitEnded(Connection connection, TableLayout table, long[] xids)
            throws SQLException, InterruptedException {
        if (xids.length == 0) {
            return;
        }
        long since = System.nanoTime();
        boolean warned = false;
        long pause = FIRST_POLL_PAUSE_MILLIS;
        long running = xids.length;
        while (true) {
            // the transaction's snapshot is taken by this first statement and used by the COPY after it
            long stillRunning;
            try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM unnest(?::bigint[]) x"
                    + " WHERE NOT txid_visible_in_snapshot(x, txid_current_snapshot())")) {
                ps.setArray(1, connection.createArrayOf("bigint", Arrays.stream(xids).boxed().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    stillRunning = rs.getLong(1);
                }
            }
            if (stillRunning == 0) {
                return;
            }
            connection.rollback();
            if (!warned && System.nanoTime() - since > WAIT_WARNING_NANOS) {
                LOG.warn("Snapshot of {} waits for long-running transactions to end before reading the next chunk"
                        + " (transaction ids {})", table.id(), Arrays.toString(xids));
                warned = true;
            }
            if (stillRunning < running) {
                pause = FIRST_POLL_PAUSE_MILLIS;
            }
            running = stillRunning;
            // a poll, not a wait: PostgreSQL sends no notice when another session's transaction ends, and the
            // transactions waited for may be several, ending in any order; the pause doubles to keep it cheap
            Thread.sleep(pause);
            pause = Math.min(pause * 2, LONGEST_POLL_PAUSE_MILLIS);
        }
    }

    /** Runs the chunk's COPY; with {@code keyed}, the chunk's last key is the last row's key as text. */
    private static Chunk copy(Connection connection, TableLayout table, String sql, boolean keyed)
            throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        CopyBinaryRows binary = table.binary() ? new CopyBinaryRows(table, keyed ? table.keyPositions().length : 0)
                : null;
        byte[] message;
        byte[] last = null;
        try {
            while ((message = copy.readFromCopy()) != null) {
                if (binary != null) {
                    binary.read(message, rows);
                } else {
                    rows.add(CopyTextRow.decode(message, table));
                    last = message;
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        List<String> lastKey = !keyed ? null : binary != null ? binary.lastKeyTexts()
                : last == null ? null : keyText(table, last);
        return new Chunk(rows, lastKey, false);
    }

    private static List<String> keyText(TableLayout table, byte[] line) {
        List<String> key = new ArrayList<>();
        for (int position : table.keyPositions()) {
            key.add(CopyTextRow.text(line, position));
        }
        return key;
    }

    /** The chunk's COPY: keys after {@code afterKey} and up to {@code upTo} (each null: unbounded), in key order. */
    private String query(TableLayout table, List<String> afterKey, List<String> upTo) {
        List<String> bounds = new ArrayList<>();
        if (afterKey != null) {
            bounds.add(table.keyRow() + " > " + table.keyLiteral(afterKey));
        }
        if (upTo != null) {
            bounds.add(table.keyRow() + " <= " + table.keyLiteral(upTo));
        }
        return query(table, bounds.isEmpty() ? null : String.join(" AND ", bounds),
                " ORDER BY " + keyOrdinals(table) + " LIMIT " + chunkSize, true);
    }

    /**
     * The key columns by their place in the select list: the key texts binary COPY adds carry the key columns' names
     * too, which would make ORDER BY by name ambiguous.
     */
    private static String keyOrdinals(TableLayout table) {
        return Arrays.stream(table.keyPositions()).mapToObj(position -> Integer.toString(position + 1))
                .collect(Collectors.joining(", "));
    }

    /**
     * The COPY of the table's columns with the publication's row filter and {@code condition} (null: none), then
     * {@code tail}. In binary format with {@code keyed}, the key columns follow as text (their output, as the text
     * format has them), to save the chunk's last key.
     */
    private static String query(TableLayout table, String condition, String tail, boolean keyed) {
        List<String> selected = new ArrayList<>(table.columns().asList().stream().map(Identifiers::quote).toList());
        if (table.binary() && keyed) {
            table.keyColumns().asList().forEach(key -> selected.add(Identifiers.quote(key) + "::text"));
        }
        List<String> conditions = new ArrayList<>();
        if (table.rowFilter() != null) {
            conditions.add("(" + table.rowFilter() + ")");
        }
        if (condition != null) {
            conditions.add(condition);
        }
        StringBuilder sql = new StringBuilder("COPY (SELECT ").append(String.join(", ", selected)).append(" FROM ")
                .append(table.id().quoted());
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        return sql.append(tail).append(") TO STDOUT").append(table.binary() ? " (FORMAT binary)" : "").toString();
    }
}
