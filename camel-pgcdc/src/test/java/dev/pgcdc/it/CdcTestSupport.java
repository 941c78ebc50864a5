package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.embedded.junit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.ReplicationSlot;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.setup.SetupFailedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;

/** Shared plumbing for tests that run the consumer against a private cluster. */
public abstract class CdcTestSupport {

    private static final AtomicInteger NAMES = new AtomicInteger();

    protected final List<CamelContext> contexts = new ArrayList<>();

    protected abstract PostgresServer pg();

    /** A slot name no other test in this JVM uses. */
    protected static String uniqueSlot(String prefix) {
        return prefix + "_" + NAMES.incrementAndGet();
    }

    /**
     * The endpoint URI for a slot whose publication has the slot's name, with {@link #defaultSnapshotMode()} unless
     * the options name one.
     */
    protected String uri(String slot, String extraOptions) {
        return "pgcdc:" + slot + "?host=" + pg().host() + "&port=" + pg().port() + "&database=postgres&user="
                + pg().superuser() + "&reconnectDelay=200&reconnectMaxDelay=1000"
                + (extraOptions.contains("statusInterval=") ? "" : "&statusInterval=500")
                + (extraOptions.contains("snapshotMode=") ? "" : "&snapshotMode=" + defaultSnapshotMode())
                + (extraOptions.isEmpty() ? "" : "&" + extraOptions);
    }

    /**
     * Tests of streaming run without the initial snapshot: its reads of rows written meanwhile are correct (they
     * converge) but would make the streamed sequence the tests assert on nondeterministic. Snapshot tests override.
     */
    protected String defaultSnapshotMode() {
        return "never";
    }

    protected CamelContext start(RoutesBuilder routes) throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getShutdownStrategy().setTimeout(20);
        context.addRoutes(routes);
        contexts.add(context);
        context.start();
        return context;
    }

    /**
     * A route from {@code uri} into {@code received}, with a dead-letter channel that keeps the exchanges it takes in
     * {@code dead}: what an undecodable change looks like to a route that handles failures.
     */
    protected CamelContext startWithDeadLetters(String uri, List<Exchange> dead, Received received) throws Exception {
        return start(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(deadLetterChannel("direct:dead"));
                from("direct:dead").process(dead::add);
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
    }

    @AfterEach
    void stopContexts() {
        for (CamelContext context : contexts) {
            context.stop();
        }
        contexts.clear();
    }

    /** The pgcdc consumer of the context's only route. */
    protected static PgCdcConsumer consumer(CamelContext context) {
        return (PgCdcConsumer) context.getRoutes().get(0).getConsumer();
    }

    protected ReplicationSlot slot(String name) {
        return pg().replicationSlots().stream().filter(s -> s.slotName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no slot " + name));
    }

    protected long confirmedFlush(String slot) {
        return slot(slot).confirmedFlushLsnValue();
    }

    /** Waits until the slot exists and is active (the consumer is streaming). */
    protected void awaitStreaming(String slot) {
        Await.until("slot " + slot + " active", Duration.ofSeconds(30),
                () -> pg().replicationSlots().stream().anyMatch(s -> s.slotName().equals(slot) && s.active()));
    }

    /**
     * Where the WAL of every committed transaction ends. Not pg_current_wal_lsn(): with the test clusters'
     * synchronous_commit = off, that write position may still lag behind commits on a busy machine.
     */
    protected long currentWalLsn() {
        return ReplicationSlot.lsnValue(pg().queryForObject("SELECT pg_current_wal_insert_lsn()::text", String.class));
    }

    /** The message of the innermost cause: what the consumer said, under Camel's wrapping. */
    protected static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    /** The setup failure under Camel's wrapping: its plan holds the SQL an administrator must run. */
    protected static SetupFailedException setupFailure(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof SetupFailedException failure) {
                return failure;
            }
        }
        throw new AssertionError("not a setup failure", thrown);
    }

    /** Runs a script as an administrator handed the file would: psql as the superuser, stopping at the first error. */
    protected void runWithPsqlAsSuperuser(String script) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(pg().tool("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", pg().host(), "-p", Integer.toString(pg().port()), "-U", pg().superuser(), "-d", "postgres")
                .redirectErrorStream(true);
        if (pg().superuserPassword() != null) {
            builder.environment().put("PGPASSWORD", pg().superuserPassword());
        }
        Process psql = builder.start();
        try (var stdin = psql.getOutputStream()) {
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor()).as("psql: %s%n%s", output, script).isZero();
    }

    /**
     * A route that fails every change of row {@code id = failingId} while {@link #failing} is set (nothing handles the
     * failure) and collects the changes it completes.
     */
    protected static final class FailingRoute extends RouteBuilder {
        public final AtomicBoolean failing = new AtomicBoolean(true);
        public final AtomicInteger failures = new AtomicInteger();
        public final AtomicLong failedCommit = new AtomicLong();
        public final Received delivered = new Received();
        private final String uri;
        private final int failingId;

        public FailingRoute(String uri, int failingId) {
            this.uri = uri;
            this.failingId = failingId;
        }

        @Override
        public void configure() {
            from(uri).process(e -> {
                ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                if (Integer.valueOf(failingId).equals(event.getAfter().get("id")) && failing.get()) {
                    failedCommit.set(event.getCommitLsn().value());
                    failures.incrementAndGet();
                    throw new IllegalStateException("route failure on row " + failingId);
                }
                delivered.add(event);
            });
        }
    }

    /** Collects delivered change events; thread-safe. */
    public static final class Received {
        private final List<ChangeEvent> events = new ArrayList<>();

        public synchronized void add(ChangeEvent event) {
            events.add(event);
        }

        public synchronized List<ChangeEvent> snapshot() {
            return new ArrayList<>(events);
        }

        public synchronized int size() {
            return events.size();
        }

        public List<ChangeEvent> await(int count) {
            Await.until(count + " change events", Duration.ofSeconds(30), this::size, n -> n >= count);
            return snapshot();
        }

        public List<ChangeEvent> awaitMatching(String what, Predicate<List<ChangeEvent>> condition) {
            return Await.until(what, Duration.ofSeconds(30), this::snapshot, condition);
        }
    }
}
