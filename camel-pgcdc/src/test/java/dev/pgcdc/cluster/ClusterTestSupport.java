package dev.pgcdc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.it.CdcTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clustered pgcdc instances in JVMs of their own ({@link ClusterChild}) against a private PostgreSQL cluster, and the
 * checks that matter for high availability: one active reader per slot, takeover after a kill -9, nothing lost.
 * Nothing lost means: every row the writer committed has a row in {@code delivered} for its slot, written by the
 * killed instance (before it acknowledged the change) or by the survivor (which resumed from the last acknowledged
 * position).
 */
abstract class ClusterTestSupport extends CdcTestSupport {

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void createDeliveredTable() {
        pg().execute("CREATE TABLE IF NOT EXISTS delivered (slot text NOT NULL, id int NOT NULL, change_id text NOT NULL,"
                + " instance text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        children.clear();
    }

    /** Starts an instance elected by {@code coordinator} ({@code pg} or {@code zk:host:port}) running these slots. */
    protected Process startInstance(String coordinator, String instance, List<String> slots) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ClusterChild.class.getName(), coordinator,
                instance, pg().host(), Integer.toString(pg().port()), pg().superuser()));
        for (String slot : slots) {
            command.add(slot + "=" + uri(slot, "tables=" + slot + "_t"));
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(instance + ".out").toFile()).start();
        children.add(child);
        return child;
    }

    protected void createSourceTable(String slot) {
        pg().execute("CREATE TABLE " + slot + "_t (id int PRIMARY KEY, note text)");
    }

    /** Which instances delivered changes of the slot. */
    protected List<String> deliverers(String slot) {
        return pg().queryForList("SELECT DISTINCT instance FROM delivered WHERE slot = ? ORDER BY 1", slot).stream()
                .map(row -> (String) row.get("instance")).toList();
    }

    /** Rows of the slot's table without a delivered row. */
    protected long missing(String slot) {
        return pg().queryForObject("SELECT count(*) FROM " + slot + "_t t WHERE NOT EXISTS"
                + " (SELECT 1 FROM delivered d WHERE d.slot = ? AND d.id = t.id)", Long.class, slot);
    }

    /**
     * Two instances of one route; the active one is killed with SIGKILL while a writer runs. The other must take over
     * within {@code bound}, and every row written must be delivered. Prints the takeover time: from the kill to the
     * survivor's first delivered change, both on the server's clock.
     */
    protected void killTheActiveInstance(String coordinator, Duration bound) throws Exception {
        String slot = uniqueSlot("takeover");
        createSourceTable(slot);
        Process a = startInstance(coordinator, "a", List.of(slot));
        Process b = startInstance(coordinator, "b", List.of(slot));
        awaitStreaming(slot, Duration.ofSeconds(90));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Exception> writeFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(slot, writing, writeFailure), "writer");
        writer.start();
        try {
            Await.until("changes delivered", Duration.ofSeconds(60), () -> !deliverers(slot).isEmpty());
            List<String> active = deliverers(slot);
            assertThat(active).as("one active instance").hasSize(1);
            String killed = active.get(0);
            String survivor = killed.equals("a") ? "b" : "a";
            (killed.equals("a") ? a : b).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Timestamp killedAt = pg().queryForObject("SELECT clock_timestamp()::timestamp", Timestamp.class);
            Await.until(survivor + " delivering", bound, () -> deliverers(slot).contains(survivor));
            Timestamp firstDelivery = pg().queryForObject("SELECT min(at)::timestamp FROM delivered WHERE slot = ?"
                    + " AND instance = ?", Timestamp.class, slot, survivor);
            Duration takeover = Duration.ofMillis(firstDelivery.getTime() - killedAt.getTime());
            Await.until("more changes on the survivor", Duration.ofSeconds(30), () -> pg().queryForObject(
                    "SELECT count(*) FROM delivered WHERE slot = ? AND instance = ?", Long.class, slot, survivor) >= 50);
            stopWriter(writer, writing, writeFailure);
            Await.until("every written row delivered", Duration.ofSeconds(60), () -> missing(slot) == 0);
            long written = pg().queryForObject("SELECT count(*) FROM " + slot + "_t", Long.class);
            long redelivered = pg().queryForObject("SELECT count(*) FROM (SELECT id FROM delivered WHERE slot = ?"
                    + " GROUP BY id HAVING count(DISTINCT instance) > 1) twice", Long.class, slot);
            System.out.printf("%s: takeover after kill -9 in %d ms; %d rows written, none lost, %d delivered by both%n",
                    coordinator.startsWith("zk") ? "ZooKeeper" : "PostgreSQL", takeover.toMillis(), written, redelivered);
        } finally {
            writing.set(false);
            writer.join(TimeUnit.MINUTES.toMillis(1));
        }
    }

    /** Stops the writer and fails the test if it stopped writing on its own (the takeover then proved nothing). */
    private static void stopWriter(Thread writer, AtomicBoolean writing, AtomicReference<Exception> writeFailure)
            throws InterruptedException {
        writing.set(false);
        writer.join(TimeUnit.MINUTES.toMillis(1));
        assertThat(writer.isAlive()).as("the writer stopped").isFalse();
        assertThat(writeFailure.get()).as("the writer's failure").isNull();
    }

    /** Waits until the slot exists and a reader streams from it. */
    protected void awaitStreaming(String slot, Duration timeout) {
        Await.until("slot " + slot + " active", timeout,
                () -> pg().replicationSlots().stream().anyMatch(s -> s.slotName().equals(slot) && s.active()));
    }

    /** Inserts rows 1, 2, ... at a steady pace until told to stop. */
    private void write(String slot, AtomicBoolean writing, AtomicReference<Exception> failure) {
        try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
            for (int id = 1; writing.get(); id++) {
                statement.execute("INSERT INTO " + slot + "_t VALUES (" + id + ", 'row " + id + "')");
                Thread.sleep(5); // pacing, not synchronisation: a steady stream across the kill
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }
}
