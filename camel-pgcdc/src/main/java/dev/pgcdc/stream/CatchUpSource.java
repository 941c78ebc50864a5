package dev.pgcdc.stream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catch-up: a far-behind slot's backlog drained through the SQL interface, which decodes on the server several times
 * faster than a walsender sends (one message per send()).
 *
 * <p>The slot is copied into a temporary slot of a session of our own, and the copy is consumed in batches
 * ({@code pg_logical_slot_get_binary_changes} with {@code upto_nchanges}): each call confirms the copy where it
 * stopped, so the next one starts there, never at the slot's first change again (peeking the real slot would decode
 * the whole backlog again per batch). A batch stops at the end of a transaction (the limit is checked after each
 * commit). The real slot is moved with {@code pg_replication_slot_advance} to what the session confirms, exactly as
 * a stream's status update would; each advance reads WAL from the slot's restart point without decoding (fast
 * forward), so it is done every {@link #ADVANCE_BYTES} or {@link #ADVANCE_INTERVAL_NANOS}, and when the session ends.
 * A crash drops the copy with its session and leaves the real slot at its confirmed position.
 *
 * <p>A thread of its own runs the batches, and pgjdbc reads their rows there, while the session's thread decodes and
 * delivers. Batches are large and double (from {@code catchUpBatchSize} up to {@link #MAX_GROWTH} times it): each
 * call decodes again from the copy's restart point, which only moves at a running-transactions record in the WAL
 * (the background writer logs one every 15 s), so a backlog written in a burst is decoded again from its start by
 * every call, at the cost of decoding it. Catch-up ends without another call once the copy is close to the server's
 * WAL, so a backlog that fits one batch is decoded once. The server materialises a batch before its first row
 * (spilling to temporary files beyond work_mem), so the batch size costs the client no memory: what it holds is
 * bounded, whatever the rows' width. pgjdbc holds one fetch of rows, whose count is set from the recent rows' width
 * (their maximum, decaying over a few dozen rows) for about {@link #FETCH_BYTES}: a fetch of rows much wider than
 * the ones before it holds more, up to {@link #FETCH_ROWS} of them, as pgjdbc bounds a fetch by rows, not bytes; the
 * next fetch is sized by the wide rows. The queue holds chunks of rows read ahead of the session up to
 * {@link #QUEUE_BYTES}. Rows that wait longer than a young collection are copied by every collection until read, and
 * G1 grows the heap to keep that copying cheap, so the queue is kept to what overlaps the fetches with decoding.
 */
final class CatchUpSource implements WalSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpSource.class);

    static final int MAX_GROWTH = 8;
    /** Rows per fetch at most, and at least (for rows of about {@link #FETCH_BYTES} each). */
    private static final int FETCH_ROWS = 4096;
    private static final int MIN_FETCH_ROWS = 16;
    private static final long FETCH_BYTES = 4L << 20;
    private static final int CHUNK_ROWS = 1024;
    private static final int CHUNK_BYTES = 256 << 10;
    /** Bytes of rows read ahead of the session: lets the server send while the client decodes. */
    static final int QUEUE_BYTES = 8 << 20;
    /** What a queued row costs beside its message's bytes: the array's header, the reference to it and its LSN. */
    private static final int ROW_OVERHEAD = 32;
    static final long ADVANCE_BYTES = 64L << 20;
    static final long ADVANCE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final String GET_CHANGES = "SELECT (lsn - '0/0'::pg_lsn)::bigint, data"
            + " FROM pg_catalog.pg_logical_slot_get_binary_changes(?, NULL, ?, VARIADIC ?::text[])";

    /** Rows of a batch, filled by the fetching thread; an empty chunk closes a batch, the catch-up or a failure. */
    private static final class Chunk {
        final long[] lsns;
        final byte[][] data;
        int size;
        /** The rows' size in memory, as {@link #QUEUE_BYTES} counts it. */
        long bytes;
        /** The copy's position after the batch this chunk closes; 0 if it closes none. */
        final long batchEnd;
        final boolean last;
        final SQLException failure;

        private Chunk(int capacity, long batchEnd, boolean last, SQLException failure) {
            this.lsns = new long[capacity];
            this.data = new byte[capacity][];
            this.batchEnd = batchEnd;
            this.last = last;
            this.failure = failure;
        }

        static Chunk rows() {
            return new Chunk(CHUNK_ROWS, 0, false, null);
        }

        static Chunk batchEnd(long position) {
            return new Chunk(0, position, false, null);
        }

        static Chunk end() {
            return new Chunk(0, 0, true, null);
        }

        static Chunk failed(SQLException failure) {
            return new Chunk(0, 0, false, failure);
        }

        void add(long lsn, byte[] message) {
            lsns[size] = lsn;
            data[size++] = message;
            bytes += message.length + ROW_OVERHEAD;
        }

        boolean full() {
            return size == CHUNK_ROWS || bytes >= CHUNK_BYTES;
        }

        /** The queue's budget this chunk takes: all of it for one wider than the budget, which then waits alone. */
        int cost() {
            return (int) Math.min(bytes, QUEUE_BYTES);
        }
    }

    private final ReplicationSlot slot;
    private final ReplicationSlot copy;
    private final Connection fetch;
    private final Connection control;
    private final String[] pluginOptions;
    private final long closeEnoughBytes;
    private final int firstBatch;
    /** Bounded by {@link #budget}, which rows take before they are queued and give back once read. */
    private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final Semaphore budget = new Semaphore(QUEUE_BYTES);
    private final Thread fetcher;
    private volatile boolean closed;
    private volatile PreparedStatement running;
    /** Fetching thread only: rows read so far, and the recent rows' width, which sizes the next fetch. */
    private long rowsRead;
    private long recentWidth;

    private Chunk current;
    private int index;
    private long messageLsn;
    private long idlePosition;
    private boolean finished;
    private long advanced;
    private long advancedAtNanos = System.nanoTime();

    private CatchUpSource(ReplicationSlot slot, Connection fetch, Connection control, ReplicationSlot copy,
                          Map<String, String> pluginOptions, long closeEnoughBytes, int firstBatch, long confirmed) {
        this.slot = slot;
        this.fetch = fetch;
        this.control = control;
        this.copy = copy;
        this.pluginOptions = pluginOptions.entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray(String[]::new);
        this.closeEnoughBytes = closeEnoughBytes;
        this.firstBatch = firstBatch;
        this.advanced = confirmed;
        this.fetcher = new Thread(this::fetchBatches, "pgcdc-catchup-" + slot.name());
        fetcher.setDaemon(true);
    }

    /**
     * Copies the slot and starts reading batches from the copy.
     *
     * @param control        an ordinary session the real slot is advanced on; the caller closes it
     * @param closeEnoughBytes catch-up ends once the copy is less than this behind the server's WAL
     * @param firstBatch     the changes the first call asks for
     */
    static CatchUpSource start(PgConnector connector, Connection control, ReplicationSlot slot,
                               Map<String, String> pluginOptions, long closeEnoughBytes, int firstBatch,
                               long confirmed)
            throws SQLException {
        Connection fetch = connector.openJdbc("pgcdc " + slot.name() + " catch-up");
        try {
            // temporary slots are named per server process, so two catch-ups never share a name
            ReplicationSlot copy = slot.copyToTemporary(fetch,
                    "pgcdc_catchup_" + fetch.unwrap(PGConnection.class).getBackendPID());
            fetch.setAutoCommit(false); // rows are read a part at a time through a portal
            CatchUpSource source = new CatchUpSource(slot, fetch, control, copy, pluginOptions, closeEnoughBytes,
                    firstBatch, confirmed);
            source.fetcher.start();
            return source;
        } catch (SQLException | RuntimeException e) {
            fetch.close();
            throw e;
        }
    }

    private void fetchBatches() {
        try {
            int batch = firstBatch;
            while (!closed) {
                int rows = fetchBatch(batch);
                SlotState state = copy.read(fetch);
                fetch.commit();
                queue.put(Chunk.batchEnd(state.confirmedFlushLsn()));
                // a short batch reached the end of the WAL written so far
                if (rows < batch || (state.lagBytes() >= 0 && state.lagBytes() < closeEnoughBytes)) {
                    queue.put(Chunk.end());
                    return;
                }
                batch = (int) Math.min(batch * 2L, (long) firstBatch * MAX_GROWTH);
            }
        } catch (SQLException e) {
            if (!closed) {
                offerQuietly(Chunk.failed(e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // reported like a lost connection, so the session ends and retries instead of waiting for rows forever
            if (!closed) {
                offerQuietly(Chunk.failed(new SQLException("Catch-up of slot " + slot.name() + " failed: " + e, e)));
            }
        }
    }

    private int fetchBatch(int batch) throws SQLException, InterruptedException {
        int rows = 0;
        try (PreparedStatement ps = fetch.prepareStatement(GET_CHANGES)) {
            // binary results from the first execution: bytea arrives as bytes, not hex text to parse
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
            ps.setString(1, copy.name());
            ps.setInt(2, batch);
            ps.setArray(3, fetch.createArrayOf("text", pluginOptions));
            running = ps;
            ps.setFetchSize(fetchRows());
            try (ResultSet rs = ps.executeQuery()) {
                Chunk chunk = Chunk.rows();
                while (rs.next()) {
                    byte[] message = rs.getBytes(2);
                    chunk.add(rs.getLong(1), message);
                    rows++;
                    // a wide row counts at once, narrow ones bring it down by a sixteenth each
                    recentWidth = Math.max(message.length, recentWidth - (recentWidth >> 4));
                    if (++rowsRead % MIN_FETCH_ROWS == 0) {
                        // pgjdbc reads it when it fetches next
                        rs.setFetchSize(fetchRows());
                    }
                    if (chunk.full()) {
                        enqueue(chunk);
                        chunk = Chunk.rows();
                    }
                }
                if (chunk.size > 0) {
                    enqueue(chunk);
                }
            } finally {
                running = null;
            }
        }
        return rows;
    }

    /** Queues a chunk of rows once the budget has room for it. */
    private void enqueue(Chunk chunk) throws InterruptedException {
        budget.acquire(chunk.cost());
        queue.put(chunk);
    }

    /** Rows per fetch for about {@link #FETCH_BYTES}, at the recent rows' width; few before the first. */
    private int fetchRows() {
        if (rowsRead == 0) {
            return MIN_FETCH_ROWS;
        }
        long rows = FETCH_BYTES / Math.max(1, recentWidth);
        return (int) Math.max(MIN_FETCH_ROWS, Math.min(FETCH_ROWS, rows));
    }

    /** Whether the fetching thread waits for the session to take rows: the byte budget is spent. */
    boolean waitingForBudget() {
        return budget.hasQueuedThreads();
    }

    /** Bytes of rows queued and not yet taken by the session. */
    long queuedBytes() {
        return queue.stream().mapToLong(chunk -> chunk.bytes).sum();
    }

    private void offerQuietly(Chunk chunk) {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public ByteBuffer readPending() throws SQLException {
        while (current == null || index == current.size) {
            if (current != null) {
                // the session is done with the chunk's last message
                budget.release(current.cost());
                current = null;
            }
            if (finished) {
                return null;
            }
            Chunk next = queue.poll();
            if (next == null) {
                return null;
            }
            if (next.failure != null) {
                throw next.failure;
            }
            if (next.last) {
                finished = true;
                return null;
            }
            if (next.batchEnd != 0) {
                // every row of the batch was read: the copy's position after it is the server's
                idlePosition = next.batchEnd;
            }
            current = next;
            index = 0;
        }
        messageLsn = current.lsns[index];
        return ByteBuffer.wrap(current.data[index++]);
    }

    @Override
    public long messageLsn() {
        return messageLsn;
    }

    @Override
    public long idlePosition() {
        return idlePosition;
    }

    @Override
    public long report(long confirmable, boolean force) throws SQLException {
        long now = System.nanoTime();
        if (confirmable > advanced && (force || confirmable - advanced >= ADVANCE_BYTES
                || now - advancedAtNanos >= ADVANCE_INTERVAL_NANOS)) {
            slot.advance(control, confirmable);
            advanced = confirmable;
            advancedAtNanos = now;
        }
        return advanced;
    }

    @Override
    public void requireAlive() {
        // ordinary sessions: a lost connection fails the fetching thread's next call, which readPending reports
    }

    @Override
    public boolean finished() {
        return finished;
    }

    /** Stops the batches and ends the session, which drops the copy. */
    @Override
    public void close() {
        closed = true;
        fetcher.interrupt();
        PreparedStatement statement = running;
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException e) {
                LOG.debug("Slot {}: cancelling the catch-up batch failed: {}", slot.name(), e.getMessage());
            }
        }
        queue.clear();
        try {
            fetcher.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            fetch.close();
        } catch (SQLException e) {
            LOG.debug("Slot {}: closing the catch-up session failed: {}", slot.name(), e.getMessage());
        }
    }
}
