package dev.pgcdc.benchmark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.PgCdcConfiguration;
import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.benchmark.probe.CpuClock;
import dev.pgcdc.benchmark.probe.MemoryWatch;
import dev.pgcdc.benchmark.probe.ProbeArgs;
import dev.pgcdc.benchmark.probe.ResultLine;
import dev.pgcdc.benchmark.probe.Tally;
import dev.pgcdc.benchmark.probe.ThreadCpu;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.PgJsonWriter;
import dev.pgcdc.pg.TableName;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.PooledExchangeFactory;
import org.apache.camel.impl.engine.PooledProcessorExchangeFactory;

/**
 * pgcdc in a JVM of its own (so its RSS is its own), streaming an existing slot into a route that only counts; the
 * exchanges complete when the route ends, which acknowledges them. Prints one result line.
 *
 * <p>{@code mode=drain}: the clock stops when the server reports the slot confirmed past the last change's commit,
 * i.e. when the backlog is not only received but acknowledged. {@code mode=lag}: commit-to-exchange latency of
 * every change after the first {@code warmup} ones. {@code mode=snapshot}: the initial snapshot of the table with
 * {@code workers} as snapshotParallelism, from its first row to its last, twice in this JVM: a warm-up pass through a
 * slot of its own (reported as {@code cold}: what a fresh JVM sees), then the measured pass, warm.
 * {@code mode=sink}: the route ends in the
 * {@code sink} URI (a {@code pgcdc-sink:} endpoint); a change counts when the sink completed its exchange, i.e. after
 * the target transaction holding it committed, and the clock runs from the first change reaching the route to the
 * last one counted, so when the tally is complete the target holds every change. With {@code warmUpPasses=N} (1 or
 * 2), drain and sink mode first run N warm-up passes, each from a slot of its own (the slot's name with a suffix of
 * {@link #WARM_UP_SLOT_SUFFIXES}; in sink mode into {@code sink<suffix>}, a sink URI into tables of their own), the
 * first reported as {@code cold} and the second as {@code secondPass}, then the measured pass, warm.
 * {@code mode=kafka}: the route is
 * routes/integrations/kafka.yaml's (the row's key as JSON for the record key, the change as JSON bytes for the
 * value, its record headers, an idempotent producer with acks=all) into {@code topic}; a change counts when the kafka endpoint returned, i.e. when
 * the broker acknowledged its record, with its commit-to-acknowledgement latency, and the clock runs from the first
 * acknowledgement to the last. Before it streams, the probe sends one record through the same producer into
 * {@code readyTopic}, so that the producer's start-up is not measured.
 *
 * <p>Arguments: {@code mode host port user database slot publication table expected warmup maxInflight
 * workers timeoutSeconds}, {@code sink} in sink mode, {@code warmUpPasses} (and in sink mode {@code sink_cold},
 * {@code sink_warm}) in drain and sink mode, {@code consumers} in webhook, snapshot and kafka mode,
 * {@code kafka} (bootstrap servers), {@code topic} and {@code readyTopic} in kafka mode.
 */
public final class PgcdcProbe {

    /**
     * The server offers no wait on a slot's confirmed position, so it is polled; 5 ms keeps the measurement's error
     * small. The parent kills the probe after its timeout (Child.await), which bounds the poll.
     */
    private static final long CONFIRM_POLL_MILLIS = 5;

    /** How long the route of {@code mode=webhook} waits per change: a webhook's answer. */
    private static final long WEBHOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** The exchange property holding the change's commit time in kafka mode, where the body becomes JSON. */
    private static final String COMMITTED = "benchCommitted";

    /** Kafka mode's producer, behind a direct endpoint so that one warm-up record can go through it first. */
    private static final String KAFKA = "direct:kafka";

    /**
     * Appended to the slot's name for each warm-up pass, in order (snapshot mode runs the first only). Two passes in
     * drain and sink mode: a profile of the pass after one warm-up showed C2 recompiling a hundred hot methods (a
     * fifth of the probe's CPU), after deoptimizations at the first pass's start and end, which a run of days sees
     * once.
     */
    static final List<String> WARM_UP_SLOT_SUFFIXES = List.of("_cold", "_warm");

    /** System property: a file to write every measured change's latency to (see {@link Tally#writeTrace}). */
    static final String LAG_TRACE = "pgcdc.benchmark.lagTrace";

    private PgcdcProbe() {
    }

    /**
     * False once a change came without {@link PgCdcConstants#RECEIVED_AT}: an older build, whose header map would be
     * built for every change that is asked, which the current build spares a route asking only for the lag headers.
     */
    private static volatile boolean timed = true;

    /** When the server sent the change or pgcdc read it (by header); null from a build that does not say. */
    private static Instant time(Exchange exchange, String header) {
        if (!timed) {
            return null;
        }
        Instant time = exchange.getIn().getHeader(header, Instant.class);
        if (time == null && header.equals(PgCdcConstants.RECEIVED_AT)) {
            timed = false;
        }
        return time;
    }

    public static void main(String[] argv) throws Exception {
        ProbeArgs args = new ProbeArgs(argv);
        String slot = args.get("slot");
        try (MemoryWatch memory = new MemoryWatch()) {
            Map<String, Object> result;
            boolean snapshot = args.get("mode").equals("snapshot");
            int warmUpPasses = snapshot ? 1 : Integer.parseInt(args.get("warmUpPasses", "0"));
            if (warmUpPasses > 0) {
                // a sink or a consumer runs for days, and the JIT compiling Camel's routing, pgcdc's and the driver's
                // code costs seconds of CPU once: in a first pass of a million changes it is a sixth of the machine.
                // COPY, the snapshot's reference, is timed on its fastest of five runs, and a production consumer that
                // snapshots a big table or is asked to re-snapshot one runs in a warm JVM. A snapshot's warm-up slot
                // is dropped with the progress saved under it, so that the measured pass starts from nothing.
                List<Map<String, Object>> warmUps = new ArrayList<>();
                for (String suffix : WARM_UP_SLOT_SUFFIXES.subList(0, warmUpPasses)) {
                    if (warmUps.isEmpty() || Boolean.TRUE.equals(warmUps.get(warmUps.size() - 1).get("complete"))) {
                        warmUps.add(pass(args, slot + suffix, args.get("sink" + suffix, null)));
                        if (snapshot) {
                            forget(args, slot + suffix);
                        }
                    }
                }
                Map<String, Object> last = warmUps.get(warmUps.size() - 1);
                result = Boolean.TRUE.equals(last.get("complete")) ? pass(args, slot, args.get("sink", null))
                        : new LinkedHashMap<>(last);
                result.put("cold", warmUps.get(0));
                if (warmUps.size() > 1) {
                    result.put("secondPass", warmUps.get(1));
                }
            } else {
                result = pass(args, slot, args.get("sink", null));
            }
            result.putAll(memory.figures());
            ResultLine.print(result);
        }
    }

    /**
     * Reads from {@code slot} in a Camel context of its own until the tally is complete, in sink mode into
     * {@code sinkUri}; the pass's figures.
     */
    private static Map<String, Object> pass(ProbeArgs args, String slot, String sinkUri) throws Exception {
        String mode = args.get("mode");
        boolean webhook = mode.equals("webhook");
        boolean kafka = mode.equals("kafka");
        boolean lag = mode.equals("lag") || webhook || kafka;
        boolean snapshot = mode.equals("snapshot");
        boolean sink = mode.equals("sink");
        AtomicLong firstArrivalNanos = new AtomicLong(); // sink mode: the clock starts before the sink
        AtomicLong firstArrivalCpuNanos = new AtomicLong();
        // per thread from the same first arrival as the process figure, not from the tally's first completion
        AtomicReference<ThreadCpu> firstArrivalThreadCpu = new AtomicReference<>();
        long warmup = args.getLong("warmup");
        Tally tally = new Tally(args.getLong("expected"), warmup, lag);
        long[] lastCommitLsn = new long[1]; // written by the route thread, read after the tally is complete
        String uri = "pgcdc:" + slot + "?host=" + args.get("host") + "&port=" + args.get("port")
                + "&database=" + args.get("database") + "&user=" + args.get("user")
                + "&password=RAW(" + args.password() + ")"
                // the snapshot's signal table must be published, and pgcdc adds it only to a publication of its own;
                // the others stream the backlog's publication, which existed before the backlog was written
                + (snapshot ? "" : "&publication=" + args.get("publication"))
                + "&tables=" + args.get("table") + "&maxInflight=" + args.get("maxInflight")
                + (snapshot ? "&snapshotMode=initial_only&snapshotParallelism=" + args.get("workers")
                        : "&snapshotMode=never")
                + (webhook || kafka || snapshot ? "&concurrentConsumers=" + args.get("consumers") : "")
                // named only when set: 0 is the default, and a build older than the option would refuse it
                + (args.get("catchUpThreshold", null) != null ? "&catchUpThreshold=" + args.get("catchUpThreshold")
                        : "")
                + (args.get("chunkSize", null) != null ? "&snapshotChunkSize=" + args.get("chunkSize") : "");
        try (CamelContext camel = new DefaultCamelContext()) {
            if (args.get("exchangeFactory", "prototype").equals("pooled")) {
                // what camel.main.exchangeFactory=pooled sets: exchanges and the routing engine's tasks reused
                camel.getCamelContextExtension().setExchangeFactory(new PooledExchangeFactory());
                camel.getCamelContextExtension().setProcessorExchangeFactory(new PooledProcessorExchangeFactory());
            }
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (sink) {
                        from(uri).routeId("sink").process(exchange -> {
                            if (firstArrivalNanos.get() == 0) {
                                firstArrivalCpuNanos.set(CpuClock.processCpuNanos());
                                firstArrivalThreadCpu.set(new ThreadCpu());
                                firstArrivalNanos.set(System.nanoTime());
                            }
                        }).to(sinkUri).process(exchange -> tally.record(null));
                        return;
                    }
                    if (kafka) {
                        from(uri).routeId("kafka").autoStartup(false).process(exchange -> {
                            Message in = exchange.getIn();
                            exchange.setProperty(COMMITTED, in.getBody(ChangeEvent.class).getCommitTimestamp());
                            in.setHeader("pgcdc_id", in.getHeader(PgCdcConstants.ID));
                            in.setHeader("pgcdc_op", in.getHeader(PgCdcConstants.OPERATION));
                            in.setHeader("pgcdc_schema", in.getHeader(PgCdcConstants.SCHEMA));
                            in.setHeader("pgcdc_table", in.getHeader(PgCdcConstants.TABLE));
                            in.setHeader("kafka.KEY", PgJsonWriter.json(in.getHeader(PgCdcConstants.KEY)));
                            in.setHeader("Content-Type", "application/json");
                        }).to(KAFKA).process(exchange -> tally.record(exchange.getProperty(COMMITTED, Instant.class)));
                        // the value: the change's JSON bytes from pgcdc's type converter, as in kafka.yaml
                        from(KAFKA).to("kafka:" + args.get("topic") + "?brokers=" + args.get("kafka")
                                + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer"
                                + "&requestRequiredAcks=all&enableIdempotence=true");
                        return;
                    }
                    if (webhook) {
                        from(uri).routeId("webhook").process(exchange -> {
                            long answered = System.nanoTime() + WEBHOOK_NANOS;
                            for (long left; (left = answered - System.nanoTime()) > 0; ) {
                                LockSupport.parkNanos(left);
                            }
                            tally.record(exchange.getIn().getBody(ChangeEvent.class).getCommitTimestamp(),
                                    time(exchange, PgCdcConstants.SENT_AT), time(exchange, PgCdcConstants.RECEIVED_AT));
                        });
                        return;
                    }
                    from(uri).routeId("count").process(exchange -> {
                        ChangeEvent event = exchange.getIn().getBody(ChangeEvent.class);
                        if (snapshot && !event.isSnapshot()) {
                            return; // in snapshot mode only the snapshot's rows count
                        }
                        if (!snapshot) {
                            lastCommitLsn[0] = event.getCommitLsn().value();
                        }
                        tally.record(event.getCommitTimestamp(), lag ? time(exchange, PgCdcConstants.SENT_AT) : null,
                                lag ? time(exchange, PgCdcConstants.RECEIVED_AT) : null);
                    });
                }
            });
            long startNanos = System.nanoTime();
            camel.start();
            if (kafka) {
                // the producer's first send waits for its connection, metadata and producer id: paid before the slot
                // is streamed (and so before the paced writer starts), into a topic of its own
                camel.createProducerTemplate().sendBodyAndHeader(KAFKA, "{\"ready\":true}", "kafka.OVERRIDE_TOPIC",
                        args.get("readyTopic"));
                camel.getRouteController().startRoute("kafka");
            }
            boolean complete = tally.await(args.getLong("timeoutSeconds"), TimeUnit.SECONDS);
            long endNanos = complete && mode.equals("drain") ? awaitConfirmedPast(args, slot, lastCommitLsn[0])
                    : tally.lastNanos();
            long firstNanos = sink ? firstArrivalNanos.get() : tally.firstNanos();
            long firstCpuNanos = sink ? firstArrivalCpuNanos.get() : tally.firstCpuNanos();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("complete", complete);
            result.put("count", tally.count());
            result.put("startupSeconds", (firstNanos - startNanos) / 1e9);
            result.put("seconds", (endNanos - firstNanos) / 1e9);
            result.put("cpuMicrosPerChange",
                    CpuClock.microsPerChange(firstCpuNanos, CpuClock.processCpuNanos(), tally.count()));
            ThreadCpu threadCpu = sink ? firstArrivalThreadCpu.get() : snapshot ? tally.firstThreadCpu() : null;
            if (threadCpu != null) {
                result.put("cpuMicrosPerChangeByThread", threadCpu.microsPerChange(tally.count(), slot));
            }
            if (lag) {
                result.putAll(tally.latencyMillis());
                result.put("measuredCpuMicrosPerChangeByThread", tally.measuredMicrosPerChangeByThread(slot));
                String trace = System.getProperty(LAG_TRACE);
                if (trace != null) {
                    tally.writeTrace(Path.of(trace));
                }
            }
            return result;
        }
    }

    /**
     * Drops {@code slot} and the snapshot progress pgcdc saved under it (in its default snapshotStateTable), once the
     * slot's walsender has ended.
     */
    private static void forget(ProbeArgs args, String slot) throws SQLException, InterruptedException {
        try (Connection connection = connect(args);
             PreparedStatement progress = connection.prepareStatement("DELETE FROM "
                     + TableName.parse(new PgCdcConfiguration().getSnapshotStateTable()).quoted()
                     + " WHERE slot_name = ?")) {
            Slots.drop(connection, slot);
            progress.setString(1, slot);
            progress.executeUpdate();
        }
    }

    private static Connection connect(ProbeArgs args) throws SQLException {
        String url = "jdbc:postgresql://" + args.get("host") + ":" + args.get("port") + "/" + args.get("database");
        return DriverManager.getConnection(url, args.get("user"), args.password());
    }

    /** Polls the slot until the server has the commit of {@code commitLsn} confirmed; returns when that was seen. */
    private static long awaitConfirmedPast(ProbeArgs args, String slot, long commitLsn)
            throws SQLException, InterruptedException {
        try (Connection connection = connect(args);
             PreparedStatement confirmed = connection.prepareStatement("SELECT confirmed_flush_lsn > ?::pg_lsn"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            confirmed.setString(1, dev.pgcdc.event.Lsn.of(commitLsn).toString());
            confirmed.setString(2, slot);
            while (true) {
                try (ResultSet row = confirmed.executeQuery()) {
                    if (row.next() && row.getBoolean(1)) {
                        return System.nanoTime();
                    }
                }
                Thread.sleep(CONFIRM_POLL_MILLIS);
            }
        }
    }
}
