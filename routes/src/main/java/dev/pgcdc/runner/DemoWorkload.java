package dev.pgcdc.runner;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gentle shop workload on {@link DemoSchema}: one statement every {@value #PERIOD_MILLIS} ms on a background
 * thread, cycling through inserts, updates and deletes, ending after {@value #MAX_STATEMENTS} statements so a
 * forgotten demo does not grow forever.
 */
final class DemoWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);
    static final long PERIOD_MILLIS = 400;
    static final int MAX_STATEMENTS = 5000;

    /** Each works in any state of the tables (it may change no row): the cycle needs no bookkeeping. */
    private static final List<String> STEPS = List.of(
            "INSERT INTO orders (customer_id, status, amount, note) SELECT id, 'new', round((random() * 100)::numeric, 2),"
            + " CASE WHEN random() < 0.5 THEN repeat('Please gift-wrap it. ', 150) END"
            + " FROM customers ORDER BY random() LIMIT 1",
            "UPDATE orders SET status = 'paid' WHERE id = (SELECT min(id) FROM orders WHERE status = 'new')",
            "INSERT INTO customers (name, email) SELECT 'Customer ' || n, 'customer' || n || '@example.com'"
            + " FROM (SELECT count(*) + 1 AS n FROM customers) c",
            "UPDATE orders SET status = 'shipped' WHERE id = (SELECT min(id) FROM orders WHERE status = 'paid')",
            "DELETE FROM orders WHERE id = (SELECT min(id) FROM orders WHERE status = 'shipped')");

    private final Connection connection;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pgcdc-demo-workload");
        thread.setDaemon(true);
        return thread;
    });
    private int executed;
    private volatile boolean stopping;

    private DemoWorkload(Connection connection) {
        this.connection = connection;
    }

    static DemoWorkload start(PostgresServer server) {
        DemoWorkload workload = new DemoWorkload(server.connect());
        workload.executor.scheduleAtFixedRate(workload::step, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return workload;
    }

    void stop() {
        stopping = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.debug("closing the workload connection failed", e);
        }
    }

    private void step() {
        try (Statement statement = connection.createStatement()) {
            statement.execute(STEPS.get(executed % STEPS.size()));
        } catch (SQLException e) {
            if (!stopping) {
                LOG.warn("demo workload stopped: {}", e.getMessage());
            }
            executor.shutdown();
            return;
        }
        if (++executed == MAX_STATEMENTS) {
            LOG.info("demo workload done after {} statements", executed);
            executor.shutdown();
        }
    }
}
