package dev.pgcdc.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.snapshot.SnapshotPhase;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

/** Plumbing for tests of the snapshot: the consumer snapshots first, and a consumer killed in the middle resumes. */
public abstract class SnapshotTestSupport extends CdcTestSupport {

    @Override
    protected String defaultSnapshotMode() {
        return "initial";
    }

    /** A table {@link RandomWriter} writes to, of {@code rows} rows keyed 1 to {@code rows}, analysed. */
    protected void createTable(String table, int rows) {
        pg().execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v int NOT NULL, note text, at timestamptz)",
                "INSERT INTO " + table + " SELECT g, 0, 'row ' || g, '2026-01-01'::timestamptz + g * interval '1s'"
                        + " FROM generate_series(1, " + rows + ") g", "ANALYZE " + table);
    }

    /** Waits until the slot confirmed everything written so far: every change was delivered and completed. */
    protected void awaitCaughtUp(String slot) {
        long end = currentWalLsn();
        Await.until("slot caught up", Duration.ofSeconds(60), () -> confirmedFlush(slot) >= end);
    }

    /**
     * What the consumer resumed after a killed child applied, in order after the child's events, and how many
     * snapshot rows it read again.
     */
    protected record Resumed(AppliedTables applied, AtomicInteger rereads) {
    }

    /**
     * Applies the events a killed {@link SnapshotChild} wrote to {@code firstRun}, then consumes the same slot with
     * {@code options} until the snapshot is complete; the consumer goes on applying what it streams.
     */
    protected Resumed resumeAfterKill(String slot, String options, Path firstRun) throws Exception {
        AppliedTables applied = new AppliedTables();
        SnapshotChild.events(firstRun).forEach(applied::apply);
        AtomicInteger rereads = new AtomicInteger();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.getOp() == Operation.READ) {
                        rereads.incrementAndGet();
                    }
                    applied.apply(event);
                });
            }
        });
        Await.until("snapshot complete", Duration.ofMinutes(3),
                () -> consumer(context).snapshotPhase() == SnapshotPhase.COMPLETED);
        return new Resumed(applied, rereads);
    }
}
