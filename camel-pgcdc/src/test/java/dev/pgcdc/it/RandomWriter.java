package dev.pgcdc.it;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;

/**
 * Random single-row and multi-row updates, deletes and inserts all over the key range of a
 * {@link SnapshotTestSupport#createTable} table (and past it), each its own transaction, in a thread of their own from
 * {@link #start()} until {@link #close()}, which fails when a write failed.
 */
final class RandomWriter implements AutoCloseable {

    private static final int PACED_WRITES = 3_000;

    private final PostgresServer pg;
    private final String table;
    private final long rows;
    private final long pauseMillis;
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread = new Thread(this::write, "writer");

    /** Writes to a table of {@code rows} rows every {@code pauseMillis} (0: as fast as it can). */
    RandomWriter(PostgresServer pg, String table, long rows, long pauseMillis) {
        this.pg = pg;
        this.table = table;
        this.rows = rows;
        this.pauseMillis = pauseMillis;
    }

    RandomWriter start() {
        thread.start();
        return this;
    }

    /** The writes made so far. */
    long writes() {
        return writes.get();
    }

    /**
     * Waits until the writer has made its share, for {@code reads} rows of {@code rows} read, of the
     * {@value #PACED_WRITES} writes it makes by the time a whole snapshot is read: a snapshot that waits for the writer
     * this way, however fast it reads, has writes landing all over its run.
     */
    void keepPace(int reads, int rows) {
        long due = (long) reads * PACED_WRITES / rows;
        if (writes.get() < due) {
            Await.until("writer keeps pace", Duration.ofMinutes(1), () -> {
                throwIfFailed();
                return writes.get() >= due;
            });
        }
    }

    /** Stops writing and waits for the last write; fails when a write failed. */
    @Override
    public void close() throws InterruptedException {
        writing.set(false);
        thread.join(Duration.ofMinutes(1).toMillis());
        if (thread.isAlive()) {
            throw new AssertionError("the writer did not stop within a minute");
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        if (failure.get() != null) {
            throw new AssertionError("the writer failed after " + writes.get() + " writes", failure.get());
        }
    }

    private void write() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long nextId = rows + 1;
        try (Connection connection = pg.connect(); Statement statement = connection.createStatement()) {
            while (writing.get()) {
                // an id already inserted (or deleted): nextId itself is the next plain INSERT's, which a re-insert
                // of it would take first
                long id = 1 + random.nextLong(Math.max(1, nextId - 1));
                int choice = random.nextInt(10);
                if (choice < 4) {
                    statement.execute("UPDATE " + table + " SET v = v + 1, note = 'u' || v WHERE id = " + id);
                } else if (choice < 6) {
                    statement.execute("DELETE FROM " + table + " WHERE id = " + id);
                } else if (choice < 8) {
                    statement.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 1, 'new', now())");
                } else if (choice < 9) {
                    // re-insert a possibly deleted key inside the snapshotted range
                    statement.execute("INSERT INTO " + table + " VALUES (" + id + ", 2, 'again', now())"
                            + " ON CONFLICT (id) DO UPDATE SET v = " + table + ".v + 10");
                } else {
                    statement.execute("UPDATE " + table + " SET v = v + 1 WHERE id BETWEEN " + id + " AND " + (id + 50));
                }
                writes.incrementAndGet();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis); // a steady trickle, not a flood: the point is the restart
                }
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }
}
