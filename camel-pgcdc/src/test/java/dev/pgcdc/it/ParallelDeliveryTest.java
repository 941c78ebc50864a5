package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.Operation;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * concurrentConsumers: changes of one row in commit order, other rows in parallel, barriers, acknowledgement, and
 * nothing lost when the consumer's JVM is killed.
 */
class ParallelDeliveryTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @TempDir
    Path dir;

    /** Orders changes as the stream delivered them. */
    private static final Comparator<ChangeRecord> STREAM_ORDER = Comparator
            .<ChangeRecord>comparingLong(change -> change.getCommitLsn().value()).thenComparingLong(ChangeRecord::getPosition);

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void changesOfOneRowKeepCommitOrderWhileOtherRowsOvertake() throws Exception {
        String slot = uniqueSlot("lanes_order");
        String table = slot + "_t";
        int keys = 1000;
        int rounds = 100; // with the inserts, 101,000 changes
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)");
        AtomicInteger inRoute = new AtomicInteger();
        AtomicInteger mostInRoute = new AtomicInteger();
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&concurrentConsumers=16")).process(e -> {
                    mostInRoute.accumulateAndGet(inRoute.incrementAndGet(), Math::max);
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(TimeUnit.MICROSECONDS.toNanos(100)));
                    received.add(e.getIn().getBody(ChangeEvent.class));
                    inRoute.decrementAndGet();
                });
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, " + keys + ") g");
        for (int round = 1; round <= rounds; round++) {
            pg().execute("UPDATE " + table + " SET v = v + 1");
        }
        long lastCommit = currentWalLsn();
        int total = keys * (rounds + 1);
        List<ChangeEvent> events = Await.until(total + " changes", Duration.ofSeconds(180), received::snapshot,
                list -> list.size() >= total);

        assertThat(events).hasSize(total);
        Map<Object, List<Object>> valuesByKey = new HashMap<>();
        for (ChangeEvent event : events) {
            valuesByKey.computeIfAbsent(event.getKey().get("id"), id -> new ArrayList<>()).add(event.getAfter().get("v"));
        }
        List<Object> inCommitOrder = new ArrayList<>();
        for (int v = 0; v <= rounds; v++) {
            inCommitOrder.add(v);
        }
        assertThat(valuesByKey).hasSize(keys);
        valuesByKey.forEach((id, values) -> assertThat(values).as("values of row %s", id).isEqualTo(inCommitOrder));
        // rows of other keys did overtake: the route saw the stream out of its order, several changes at once
        assertThat(events).isNotEqualTo(events.stream().sorted(STREAM_ORDER).toList());
        assertThat(mostInRoute.get()).isGreaterThan(1);
        Await.until("every transaction confirmed", Duration.ofSeconds(30), () -> confirmedFlush(slot) >= lastCommit);
    }

    @Test
    void barriersWaitForEverythingBeforeAndHoldBackEverythingAfter() throws Exception {
        String slot = uniqueSlot("lanes_barrier");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)");
        AtomicLong clock = new AtomicLong();
        Map<String, long[]> spans = new HashMap<>(); // change id -> [start, end]
        List<ChangeRecord> delivered = new ArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&concurrentConsumers=8&emitMessages=true")).process(e -> {
                    long start = clock.incrementAndGet();
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(1)));
                    ChangeRecord change = e.getIn().getBody(ChangeRecord.class);
                    synchronized (spans) {
                        spans.put(change.getId(), new long[] {start, clock.incrementAndGet()});
                        delivered.add(change);
                    }
                });
            }
        });
        awaitStreaming(slot);
        String rows = "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(%d, %d) g";
        pg().execute(rows.formatted(1, 200),
                "UPDATE " + table + " SET id = 100005 WHERE id = 5", // the key changes: a barrier
                "UPDATE " + table + " SET v = v + 1 WHERE id < 100",
                "TRUNCATE " + table,
                rows.formatted(1, 200),
                "SELECT pg_logical_emit_message(true, 'lanes', 'marker')",
                rows.formatted(201, 400),
                "ALTER TABLE " + table + " ADD COLUMN w int",
                rows.formatted(401, 600)); // its first row is the first change with the new columns
        int total = 200 + 1 + 98 + 1 + 200 + 1 + 200 + 200;
        Await.until(total + " changes", Duration.ofSeconds(60), () -> {
            synchronized (spans) {
                return spans.size() >= total;
            }
        });

        List<ChangeRecord> stream;
        synchronized (spans) {
            stream = delivered.stream().sorted(STREAM_ORDER).toList();
        }
        assertThat(stream).hasSize(total);
        List<Integer> barriers = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            ChangeRecord change = stream.get(i);
            boolean keyChange = change instanceof ChangeEvent event && event.getOp() == Operation.UPDATE
                    && Integer.valueOf(100005).equals(event.getKey().get("id"));
            boolean firstOfNewColumns = change instanceof ChangeEvent event && event.getOp() == Operation.INSERT
                    && Integer.valueOf(401).equals(event.getKey().get("id"));
            if (change.getOp() == Operation.TRUNCATE || change.getOp() == Operation.MESSAGE || keyChange
                    || firstOfNewColumns) {
                barriers.add(i);
            }
        }
        assertThat(barriers).hasSize(4);
        for (int b : barriers) {
            long[] barrier = spans.get(stream.get(b).getId());
            for (int i = 0; i < stream.size(); i++) {
                long[] other = spans.get(stream.get(i).getId());
                if (i < b) {
                    assertThat(other[1]).as("change %s completed before barrier %s", stream.get(i).getId(),
                            stream.get(b).getId()).isLessThan(barrier[0]);
                } else if (i > b) {
                    assertThat(other[0]).as("change %s started after barrier %s", stream.get(i).getId(),
                            stream.get(b).getId()).isGreaterThan(barrier[1]);
                }
            }
        }
    }

    @Test
    void aFailedExchangeInOneLaneIsNeverAcknowledgedPastWhileOtherLanesComplete() throws Exception {
        String slot = uniqueSlot("lanes_fail");
        String table = slot + "_t";
        int failingId = 10;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        AtomicLong failedCommit = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger laterCompletedFirst = new AtomicInteger();
        Received completed = new Received();
        AtomicBoolean failing = new AtomicBoolean(true);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&concurrentConsumers=4")).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (Integer.valueOf(failingId).equals(event.getKey().get("id")) && failing.get()) {
                        long commit = event.getCommitLsn().value();
                        failedCommit.set(commit);
                        if (failures.get() == 0) {
                            // hold the failure until another lane has completed a change of a later transaction
                            Await.until("a later transaction completed in another lane", Duration.ofSeconds(30),
                                    () -> completed.snapshot().stream().anyMatch(c -> c.getCommitLsn().value() > commit));
                            laterCompletedFirst.incrementAndGet();
                        }
                        failures.incrementAndGet();
                        throw new IllegalStateException("route failure on row " + failingId);
                    }
                    completed.add(event);
                });
            }
        });
        awaitStreaming(slot);
        String[] inserts = new String[200];
        for (int i = 0; i < inserts.length; i++) {
            inserts[i] = "INSERT INTO " + table + " VALUES (" + (i + 1) + ")";
        }
        pg().execute(inserts);
        // each failure ends the session with a final status update, then the change is redelivered and fails again
        Await.until("the failing change retried", Duration.ofSeconds(60), () -> failures.get() >= 3);
        assertThat(laterCompletedFirst.get()).isEqualTo(1);
        assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(failedCommit.get());

        failing.set(false);
        long lastCommit = currentWalLsn();
        completed.awaitMatching("every row completed", list -> list.stream()
                .map(c -> c.getKey().get("id")).distinct().count() == inserts.length);
        Await.until("confirmed past the last row", Duration.ofSeconds(30), () -> confirmedFlush(slot) >= lastCommit);
    }

    @Test
    void aConsumerKilledMidStreamLosesNothing() throws Exception {
        String slot = uniqueSlot("lanes_kill");
        String table = slot + "_t";
        int keys = 500;
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, " + keys + ") g");
        String uri = uri(slot, "tables=" + table + "&concurrentConsumers=8");
        Path firstRun = dir.resolve("first-run.jsonl");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Connection connection = pg().connect(); Statement statement = connection.createStatement()) {
                while (writing.get()) {
                    // one row per transaction, so that the slot advances in small steps
                    statement.execute("UPDATE " + table + " SET v = v + 1 WHERE id = "
                            + (1 + ThreadLocalRandom.current().nextInt(keys)));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "writer");
        Process child = SnapshotChild.start(dir, uri, firstRun.toString(), "256m");
        Map<Integer, Set<Integer>> seen = new HashMap<>();
        try {
            Await.until("the child streaming", Duration.ofSeconds(60), () -> pg().replicationSlots().stream()
                    .anyMatch(s -> s.slotName().equals(slot) && s.active()));
            long started = confirmedFlush(slot);
            writer.start();
            Await.until("the child confirmed a part of the stream", Duration.ofSeconds(60),
                    () -> confirmedFlush(slot) > started && SnapshotChild.lines(firstRun) > 2000);
        } finally {
            SnapshotChild.kill(child);
        }
        for (JsonNode event : SnapshotChild.events(firstRun)) {
            JsonNode after = event.get("after");
            seen.computeIfAbsent(after.get("id").asInt(), id -> new HashSet<>()).add(after.get("v").asInt());
        }
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> {
                    Map<String, Object> after = e.getIn().getBody(ChangeEvent.class).getAfter();
                    synchronized (seen) {
                        seen.computeIfAbsent((Integer) after.get("id"), id -> new HashSet<>()).add((Integer) after.get("v"));
                    }
                });
            }
        });
        awaitStreaming(slot);
        writing.set(false);
        writer.join();
        long end = currentWalLsn();
        Await.until("the slot caught up", Duration.ofSeconds(60), () -> confirmedFlush(slot) >= end);

        Map<Integer, Integer> finalValues = new HashMap<>();
        for (Map<String, Object> row : pg().queryForList("SELECT id, v FROM " + table)) {
            finalValues.put((Integer) row.get("id"), (Integer) row.get("v"));
        }
        synchronized (seen) {
            finalValues.forEach((id, last) -> {
                Set<Integer> expected = new HashSet<>();
                for (int v = 1; v <= last; v++) {
                    expected.add(v);
                }
                assertThat(seen.getOrDefault(id, Set.of())).as("values of row %s delivered", id).containsAll(expected);
            });
        }
    }}
