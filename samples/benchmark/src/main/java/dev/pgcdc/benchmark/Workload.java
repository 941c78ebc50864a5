package dev.pgcdc.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import dev.pgcdc.embedded.PostgresServer;

/**
 * The SQL side of the benchmark: the table, its publication, and the rows each measurement needs. Every write is
 * its own transaction (autocommit), so the sizes of the transactions are exactly those of the issue.
 */
final class Workload {

    static final String TABLE = "public.bench";
    static final String PUBLICATION = "bench_pub";
    static final String KEYLESS_TABLE = "public.bench_keyless";
    /** Inserts {@code ?} rows; the payload has 100 characters, different per row so that nothing compresses away. */
    static final String INSERT_ROWS = "INSERT INTO bench (k, payload) SELECT g, substr(repeat(md5(g::text), 4), 1, 100)"
            + " FROM generate_series(1, ?) g";

    private final PostgresServer server;

    Workload(PostgresServer server) {
        this.server = server;
    }

    void createSchema() {
        server.execute("CREATE TABLE bench (id bigserial PRIMARY KEY, k int, payload text, ts timestamptz DEFAULT now())",
                "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
    }

    /**
     * Writes the streaming backlog: inserts, updates of the first rows, deletes of the following ones, then one
     * marker insert; returns the WAL insert position after its commit (the backlog's end for pg_recvlogical).
     */
    String writeBacklog(Size size) throws SQLException {
        try (Connection connection = server.connect()) {
            int tx = size.rowsPerTx();
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ROWS)) {
                insert.setInt(1, tx);
                for (int done = 0; done < size.inserts(); done += tx) {
                    insert.executeUpdate();
                }
            }
            long firstId = firstId(connection);
            ranges(connection, "UPDATE bench SET k = k + 1, payload = md5(payload) || substr(payload, 33)"
                    + " WHERE id BETWEEN ? AND ?", firstId, size.updates(), tx);
            ranges(connection, "DELETE FROM bench WHERE id BETWEEN ? AND ?", firstId + size.updates(), size.deletes(), tx);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO bench (k, payload) VALUES (-1, 'end of backlog')");
            }
            return server.queryForObject("SELECT pg_current_wal_insert_lsn()::text", String.class);
        }
    }

    private static long firstId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT min(id) FROM bench")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Runs {@code sql} (with parameters from, to) over {@code count} ids from {@code from}, {@code tx} ids a time. */
    private static void ranges(Connection connection, String sql, long from, int count, int tx) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (long start = from; start < from + count; start += tx) {
                statement.setLong(1, start);
                statement.setLong(2, Math.min(start + tx, from + count) - 1);
                statement.executeUpdate();
            }
        }
    }

    /** Empties the table (no slot exists while this runs, so no consumer sees it). */
    void truncate() {
        server.execute("TRUNCATE bench");
    }

    /** Inserts {@code rows} rows in one transaction. */
    void insertRows(int rows) throws SQLException {
        try (Connection connection = server.connect();
             PreparedStatement insert = connection.prepareStatement(INSERT_ROWS)) {
            insert.setInt(1, rows);
            insert.executeUpdate();
        }
    }

    /**
     * A copy of {@code bench} without a key (REPLICA IDENTITY FULL), in the publication: the snapshot reads it in ctid
     * ranges.
     */
    void createKeylessCopy() {
        server.execute("CREATE TABLE " + KEYLESS_TABLE + " AS SELECT * FROM bench",
                "ALTER TABLE " + KEYLESS_TABLE + " REPLICA IDENTITY FULL",
                "ALTER PUBLICATION " + PUBLICATION + " ADD TABLE " + KEYLESS_TABLE,
                "VACUUM (ANALYZE) " + KEYLESS_TABLE);
    }

    void dropKeylessCopy() {
        server.execute("DROP TABLE " + KEYLESS_TABLE);
    }

    /**
     * Drops the signal and state tables the snapshot's consumers created: while the signal table exists every later
     * consumer wants it published, and the parts after the snapshot stream {@link #PUBLICATION}, which pgcdc does not
     * change (it did not create it).
     */
    void dropSnapshotTables() {
        server.execute("DROP TABLE IF EXISTS public.pgcdc_signal", "DROP TABLE IF EXISTS public.pgcdc_snapshot_state");
    }

    /** Sets hint bits and the visibility map, so that the first reader of the snapshot does not pay for them. */
    void vacuum() {
        server.execute("VACUUM (ANALYZE) bench");
    }
}
