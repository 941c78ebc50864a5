package dev.pgcdc.benchmark;

import static dev.pgcdc.benchmark.ServerCpu.withServerCpu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.pgcdc.embedded.PostgresServer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The sink part: the streaming backlog applied by pgcdc → {@code pgcdc-sink:} into a second database of the same
 * cluster, in upsert mode (the default batchSize) and in append mode, each from its own slot created before the
 * backlog. The clock of a sink run stops when the sink has completed the last change's exchange, which it does only
 * after the target transaction holding it committed; the target's final state is then checked against the source.
 *
 * <p>References, measured in the same run: pgcdc draining the same backlog without a sink (what the sink could get at
 * most), and a plain JDBC client applying the same changes to the same target: the same statements (upserts for
 * inserts and updates, deletes by key), sent as JDBC batches of {@code batchSize}, one transaction per batch (by the
 * driver as it comes, the reference, and with reWriteBatchedInserts, as pgcdc-sink sends them), and
 * {@code COPY FROM STDIN} of as many rows (what the target takes at best). Beside each rate: the server's CPU per
 * change ({@link ServerCpu}). With {@code --baseline-jar}, the older
 * build's sink applies the same backlog too (from slots and into tables of its own), before and after the current
 * build's runs. Append and upsert run once more fed by catch-up, faster than the walsender's stream feeds them.
 *
 * <p>Each sink run is measured warm: its probe first applies the same backlog twice, each time from a slot of its own
 * into tables of their own ({@code _cold}, {@code _warm}; no autovacuum to land in the measured pass), which pays
 * for the JIT, then the measured pass; the first pass's figures stand beside it as {@code cold}, what a fresh JVM
 * sees. The drain references are warm alike; the JDBC references run in this JVM, warm from the runs before them.
 * The server CPU of a probe's run is per change of all its passes.
 */
final class SinkApply {

    static final String TARGET_DATABASE = "sink_target";
    /** pgcdc-sink's default batchSize; the JDBC reference uses the same batches and transactions. */
    static final int BATCH_SIZE = 500;
    private static final String UPSERT = "sink_upsert";
    private static final String APPEND = "sink_append";
    private static final String DRAIN = "sink_drain";
    /** The append run and its drain reference with catch-up on (catchUpThreshold=1). */
    private static final String APPEND_CATCH_UP = "sink_append_catchup";
    /** The upsert run with catch-up on: the sink fed faster than the walsender's stream can. */
    private static final String UPSERT_CATCH_UP = "sink_upsert_catchup";
    private static final String DRAIN_CATCH_UP = "sink_drain_catchup";
    /** With {@code --baseline-jar}: the same two runs with the older build, into tables of their own. */
    private static final String UPSERT_BASELINE = "sink_upsert_baseline";
    private static final String APPEND_BASELINE = "sink_append_baseline";
    /** The slot and table names of a probe's warm-up passes: the measured pass's with these suffixes. */
    private static final List<String> WARM_UPS = PgcdcProbe.WARM_UP_SLOT_SUFFIXES;
    /** The pgcdc probes of this part read the backlog after their warm-up passes. */
    private static final int PASSES = WARM_UPS.size() + 1;
    private static final String COLUMNS = "id bigint PRIMARY KEY, k int, payload text, ts timestamptz";
    private static final String HISTORY_COLUMNS = "id bigint, k int, payload text, ts timestamptz,"
            + " _pgcdc_op char(1), _pgcdc_commit_lsn bigint, _pgcdc_seq bigint, _pgcdc_lsn bigint,"
            + " _pgcdc_commit_ts timestamptz, PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq)";
    /** A table's content in one value: equal values, equal rows. */
    private static final String CONTENT = "SELECT count(*) || ' ' || coalesce(md5(string_agg(concat_ws(',', id, k,"
            + " payload, ts), '|' ORDER BY id)), '') FROM %s";

    private SinkApply() {
    }

    static Map<String, Object> measure(Run run) throws Exception {
        Size size = run.size();
        long changes = size.backlogChanges();
        Duration timeout = Run.timeoutFor(changes);
        PostgresServer cluster = run.cluster();
        run.workload().truncate();
        cluster.execute("DROP DATABASE IF EXISTS " + TARGET_DATABASE);
        cluster.createDatabase(TARGET_DATABASE);
        target(run, "CREATE TABLE bench_jdbc (" + COLUMNS + ")", "CREATE TABLE bench_jdbc_rewritten (" + COLUMNS + ")",
                "CREATE TABLE bench_copy (" + COLUMNS + ")",
                "CREATE TABLE bench_history_jdbc (" + HISTORY_COLUMNS + ")",
                "CREATE TABLE bench_history_copy (" + HISTORY_COLUMNS + ")",
                "CREATE TABLE bench_history_direct (" + HISTORY_COLUMNS + ")");
        sinkTables(run, COLUMNS, "bench", "bench_catchup");
        sinkTables(run, HISTORY_COLUMNS, "bench_history", "bench_history_catchup");
        sinkSlots(run, DRAIN, UPSERT, APPEND, DRAIN_CATCH_UP, APPEND_CATCH_UP, UPSERT_CATCH_UP);
        boolean baseline = run.baselineJar() != null;
        if (baseline) {
            sinkTables(run, COLUMNS, "bench_baseline");
            sinkTables(run, HISTORY_COLUMNS, "bench_history_baseline");
            sinkSlots(run, UPSERT_BASELINE, APPEND_BASELINE);
        }
        run.workload().writeBacklog(size);
        String sourceContent = cluster.queryForObject(String.format(CONTENT, "bench"), String.class);
        long rows = cluster.queryForObject("SELECT count(*) FROM bench", Long.class);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("changes", changes);
        figures.put("rowsAtEnd", rows);
        figures.put("batchSize", BATCH_SIZE);
        ServerCpu server = run.serverCpu();
        figures.put("pgcdcDrain", withServerCpu(server, PASSES * changes, () -> warmDrain(run,
                "pgcdc-sink-drain", DRAIN, false, changes, timeout)));

        // with a baseline the builds alternate (baseline, current, current, baseline), so that a change in the
        // machine's load during the part weighs on both alike
        if (baseline) {
            figures.put("upsertBaseline", upsert(run, "pgcdc-baseline-sink-upsert", UPSERT_BASELINE, "bench_baseline",
                    sourceContent, false, changes, timeout, run.baselineJar()));
        }
        Map<String, Object> upsert = upsert(run, "pgcdc-sink-upsert", UPSERT, "bench", sourceContent, false, changes,
                timeout, null);
        figures.put("upsert", upsert);
        Map<String, Object> append = append(run, "pgcdc-sink-append", APPEND, "bench_history", false, changes, timeout,
                null);
        figures.put("append", append);
        if (baseline) {
            figures.put("appendBaseline", append(run, "pgcdc-baseline-sink-append", APPEND_BASELINE,
                    "bench_history_baseline", false, changes, timeout, run.baselineJar()));
        }
        // a backlog is what the sink applies here, and catch-up is pgcdc's way through one: the same append, fed by it
        figures.put("pgcdcDrainCatchUp", withServerCpu(server, PASSES * changes, () -> warmDrain(run,
                "pgcdc-sink-drain-catchup", DRAIN_CATCH_UP, true, changes, timeout)));
        Map<String, Object> appendCatchUp = append(run, "pgcdc-sink-append-catchup", APPEND_CATCH_UP,
                "bench_history_catchup", true, changes, timeout, null);
        figures.put("appendCatchUp", appendCatchUp);
        Map<String, Object> upsertCatchUp = upsert(run, "pgcdc-sink-upsert-catchup", UPSERT_CATCH_UP, "bench_catchup",
                sourceContent, true, changes, timeout, null);
        figures.put("upsertCatchUp", upsertCatchUp);

        Map<String, Object> jdbc = withServerCpu(server, changes,
                () -> timed(changes, () -> jdbcBatches(run, size, "bench_jdbc", false)));
        require("JDBC reference rows", String.valueOf(rows), targetString(run, "SELECT count(*) FROM bench_jdbc"));
        figures.put("jdbcBatches", jdbc);
        Map<String, Object> jdbcRewritten = withServerCpu(server, changes,
                () -> timed(changes, () -> jdbcBatches(run, size, "bench_jdbc_rewritten", true)));
        require("JDBC reference rows (rewritten)", String.valueOf(rows),
                targetString(run, "SELECT count(*) FROM bench_jdbc_rewritten"));
        figures.put("jdbcRewrittenBatches", jdbcRewritten);
        Map<String, Object> jdbcAppend = withServerCpu(server, changes,
                () -> timed(changes, () -> jdbcAppendBatches(run, size)));
        require("JDBC append reference rows", String.valueOf(changes),
                targetString(run, "SELECT count(*) FROM bench_history_jdbc"));
        figures.put("jdbcAppendBatches", jdbcAppend);
        Map<String, Object> jdbcCopyAppend = withServerCpu(server, changes,
                () -> timed(changes, () -> jdbcCopyAppend(run, size, "bench_history_copy", false)));
        require("JDBC COPY append reference rows", String.valueOf(changes),
                targetString(run, "SELECT count(*) FROM bench_history_copy"));
        figures.put("jdbcCopyAppend", jdbcCopyAppend);
        Map<String, Object> jdbcCopyDirect = withServerCpu(server, changes,
                () -> timed(changes, () -> jdbcCopyAppend(run, size, "bench_history_direct", true)));
        require("JDBC direct COPY append reference rows", String.valueOf(changes),
                targetString(run, "SELECT count(*) FROM bench_history_direct"));
        figures.put("jdbcCopyDirect", jdbcCopyDirect);
        figures.put("copyIn", withServerCpu(server, changes, () -> timed(changes, () -> copyIn(run, changes))));

        // the sink runs' server CPU holds the walsender decoding the source as the drain's does: the difference is
        // the target's side, comparable with the JDBC references' (estimated: the decoding is the same work in both)
        Object decoding = map(figures, "pgcdcDrain").get("serverCpuMicrosPerChange");
        if (decoding != null) {
            for (Map<String, Object> sinkRun : List.of(upsert, append)) {
                sinkRun.put("targetServerCpuMicrosPerChange", Math.round(
                        ((Number) sinkRun.get("serverCpuMicrosPerChange")).doubleValue() * 10
                                - ((Number) decoding).doubleValue() * 10) / 10.0);
            }
        }
        Map<String, Object> ratios = new LinkedHashMap<>();
        Object upsertRate = upsert.get("rowsPerSecond");
        Object appendRate = append.get("rowsPerSecond");
        ratios.put("upsertToDrain", Run.ratio(upsertRate, map(figures, "pgcdcDrain").get("changesPerSecond")));
        ratios.put("upsertToJdbcBatches", Run.ratio(upsertRate, jdbc.get("rowsPerSecond")));
        ratios.put("upsertToJdbcRewrittenBatches", Run.ratio(upsertRate, jdbcRewritten.get("rowsPerSecond")));
        ratios.put("upsertToCopyIn", Run.ratio(upsertRate, map(figures, "copyIn").get("rowsPerSecond")));
        ratios.put("appendToDrain", Run.ratio(appendRate, map(figures, "pgcdcDrain").get("changesPerSecond")));
        ratios.put("appendToJdbcBatches", Run.ratio(appendRate, jdbc.get("rowsPerSecond")));
        ratios.put("appendToJdbcAppendBatches", Run.ratio(appendRate, jdbcAppend.get("rowsPerSecond")));
        ratios.put("appendToJdbcCopyAppend", Run.ratio(appendRate, jdbcCopyAppend.get("rowsPerSecond")));
        ratios.put("appendCatchUpToAppend", Run.ratio(appendCatchUp.get("rowsPerSecond"), appendRate));
        ratios.put("upsertCatchUpToUpsert", Run.ratio(upsertCatchUp.get("rowsPerSecond"), upsertRate));
        ratios.put("upsertCatchUpToJdbcBatches", Run.ratio(upsertCatchUp.get("rowsPerSecond"),
                jdbc.get("rowsPerSecond")));
        ratios.put("appendCatchUpToDrainCatchUp", Run.ratio(appendCatchUp.get("rowsPerSecond"),
                map(figures, "pgcdcDrainCatchUp").get("changesPerSecond")));
        ratios.put("jdbcCopyAppendToJdbcAppendBatches", Run.ratio(jdbcCopyAppend.get("rowsPerSecond"),
                jdbcAppend.get("rowsPerSecond")));
        ratios.put("jdbcCopyDirectToJdbcAppendBatches", Run.ratio(jdbcCopyDirect.get("rowsPerSecond"),
                jdbcAppend.get("rowsPerSecond")));
        if (baseline) {
            ratios.put("upsertToBaseline", Run.ratio(upsertRate, map(figures, "upsertBaseline").get("rowsPerSecond")));
            ratios.put("upsertCpuToBaseline", Run.ratio(upsert.get("cpuMicrosPerChange"),
                    map(figures, "upsertBaseline").get("cpuMicrosPerChange")));
            ratios.put("appendToBaseline", Run.ratio(appendRate, map(figures, "appendBaseline").get("rowsPerSecond")));
            ratios.put("appendCpuToBaseline", Run.ratio(append.get("cpuMicrosPerChange"),
                    map(figures, "appendBaseline").get("cpuMicrosPerChange")));
            dropSinkSlots(run, UPSERT_BASELINE, APPEND_BASELINE);
        }
        ratios.put("upsertColdToJdbcBatches", Run.ratio(cold(upsert).get("rowsPerSecond"), jdbc.get("rowsPerSecond")));
        ratios.put("appendColdToJdbcAppendBatches", Run.ratio(cold(append).get("rowsPerSecond"),
                jdbcAppend.get("rowsPerSecond")));
        ratios.put("appendCatchUpToJdbcAppendBatches", Run.ratio(appendCatchUp.get("rowsPerSecond"),
                jdbcAppend.get("rowsPerSecond")));
        // after one warm-up pass only: the JIT still recompiling what the first pass's start and end deoptimized
        ratios.put("upsertSecondPassToJdbcBatches", Run.ratio(secondPass(upsert).get("rowsPerSecond"),
                jdbc.get("rowsPerSecond")));
        ratios.put("appendSecondPassToJdbcAppendBatches", Run.ratio(secondPass(append).get("rowsPerSecond"),
                jdbcAppend.get("rowsPerSecond")));
        ratios.put("appendCatchUpSecondPassToJdbcAppendBatches", Run.ratio(
                secondPass(appendCatchUp).get("rowsPerSecond"), jdbcAppend.get("rowsPerSecond")));
        figures.put("ratios", ratios);
        dropSinkSlots(run, DRAIN, UPSERT, APPEND, DRAIN_CATCH_UP, APPEND_CATCH_UP, UPSERT_CATCH_UP);
        return figures;
    }

    /** An upsert run into {@code table} (its warm-up passes into its twins), each equal to the source. */
    private static Map<String, Object> upsert(Run run, String name, String slot, String table, String sourceContent,
                                              boolean catchUp, long changes, Duration timeout, Path camelPgcdcJar)
            throws Exception {
        Map<String, Object> figures = withServerCpu(run.serverCpu(), PASSES * changes,
                () -> sink(run, name, slot, table, "", catchUp, changes, timeout, camelPgcdcJar));
        // checked after the server's CPU is read: the check is not the sink's work
        for (String applied : withWarmUps(table)) {
            require("upsert target " + applied + " equal to the source", sourceContent,
                    targetString(run, String.format(CONTENT, applied)));
        }
        return figures;
    }

    /** An append run into {@code table} (its warm-up passes into its twins), each holding every change. */
    private static Map<String, Object> append(Run run, String name, String slot, String table, boolean catchUp,
                                              long changes, Duration timeout, Path camelPgcdcJar) throws Exception {
        Map<String, Object> figures = withServerCpu(run.serverCpu(), PASSES * changes,
                () -> sink(run, name, slot, table, "&mode=append", catchUp, changes, timeout, camelPgcdcJar));
        for (String applied : withWarmUps(table)) {
            require("append target " + applied + " holding every change", String.valueOf(changes),
                    targetString(run, "SELECT count(*) FROM " + applied));
        }
        return figures;
    }

    /**
     * One probe run through pgcdc-sink into {@code table}, after its warm-up passes; the measured pass's figures with
     * the rate of rows applied in front, the first warm-up pass's as {@code cold} and the second's as
     * {@code secondPass}.
     */
    private static Map<String, Object> sink(Run run, String name, String slot, String table, String options,
                                            boolean catchUp, long changes, Duration timeout, Path camelPgcdcJar)
            throws Exception {
        Map<String, Object> probe = run.consumers().pgcdcSink(name, slot, changes,
                sinkUri(run, slot, table, options), suffix -> sinkUri(run, slot + suffix, table + suffix, options),
                catchUp, timeout, camelPgcdcJar).result(timeout.multipliedBy(PASSES));
        StreamingDrain.requireComplete(probe);
        return withPasses(probe, passFigures -> SnapshotRead.withRowRate(passFigures, changes));
    }

    /** A drain reference, warm as the sink runs are: its figures with the rate in front, its warm-up passes' too. */
    private static Map<String, Object> warmDrain(Run run, String name, String slot, boolean catchUp, long changes,
                                                 Duration timeout) throws Exception {
        Map<String, Object> probe = run.consumers().pgcdcWarmDrain(name, slot, changes, catchUp, timeout)
                .result(timeout.multipliedBy(PASSES));
        return withPasses(probe, passFigures -> StreamingDrain.withRate(passFigures, changes));
    }

    /** A probe's measured pass's figures and its warm-up passes' ({@code cold}, {@code secondPass}), each rated. */
    private static Map<String, Object> withPasses(Map<String, Object> probe,
                                                  UnaryOperator<Map<String, Object>> rated) {
        Map<String, Object> figures = rated.apply(probe);
        figures.put("cold", rated.apply(cold(probe)));
        if (probe.get("secondPass") != null) {
            figures.put("secondPass", rated.apply(secondPass(probe)));
        }
        return figures;
    }

    private static String sinkUri(Run run, String slot, String table, String options) {
        PostgresServer cluster = run.cluster();
        return "pgcdc-sink:" + slot + "?jdbcUrl=" + cluster.jdbcUrl(TARGET_DATABASE) + "&user=" + cluster.superuser()
                + "&password=RAW(" + cluster.superuserPassword() + ")&tableMapping=" + Workload.TABLE + ":public."
                + table + options;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cold(Map<String, Object> figures) {
        return (Map<String, Object>) figures.get("cold");
    }

    /** The second warm-up pass's figures (none if it did not run): warm after one pass, the JIT still busy. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> secondPass(Map<String, Object> figures) {
        return figures.get("secondPass") instanceof Map<?, ?> second ? (Map<String, Object>) second : Map.of();
    }

    /** Each sink run's target tables and their warm-up twins, which autovacuum leaves alone. */
    private static void sinkTables(Run run, String columns, String... tables) throws SQLException {
        for (String table : tables) {
            target(run, "CREATE TABLE " + table + " (" + columns + ")");
            for (String suffix : WARM_UPS) {
                target(run, "CREATE TABLE " + table + suffix + " (" + columns + ") WITH (autovacuum_enabled = false)");
            }
        }
    }

    /** Each probe's slot and its warm-up passes', created before the backlog. */
    private static void sinkSlots(Run run, String... slots) {
        for (String slot : slots) {
            run.slots().create(withWarmUps(slot).toArray(String[]::new));
        }
    }

    private static void dropSinkSlots(Run run, String... slots) throws InterruptedException, SQLException {
        for (String slot : slots) {
            run.slots().drop(withWarmUps(slot).toArray(String[]::new));
        }
    }

    /** A name and its warm-up passes' twins: the measured pass's slot or table first. */
    private static List<String> withWarmUps(String name) {
        List<String> names = new ArrayList<>(List.of(name));
        WARM_UPS.forEach(suffix -> names.add(name + suffix));
        return names;
    }

    private interface Work {
        void run() throws Exception;
    }

    private static Map<String, Object> timed(long rows, Work work) throws Exception {
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("rowsPerSecond", Run.perSecond(rows, seconds));
        figures.put("seconds", seconds);
        return figures;
    }

    /**
     * The backlog's changes applied by plain JDBC, as the sink applies them: an upsert per insert and update, a delete
     * per delete, JDBC batches of {@link #BATCH_SIZE} statements, one transaction each. The reference is the
     * driver as it comes; {@code rewritten} turns on pgjdbc's reWriteBatchedInserts, as pgcdc-sink does, so a batch of
     * upserts goes as multi-row statements: the same statements the sink sends, a stricter reference.
     */
    private static void jdbcBatches(Run run, Size size, String table, boolean rewritten) throws SQLException {
        PostgresServer cluster = run.cluster();
        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl(TARGET_DATABASE)
                     + "?reWriteBatchedInserts=" + rewritten, cluster.superuser(), cluster.superuserPassword());
             PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table + " (id, k, payload, ts)"
                     + " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET k = EXCLUDED.k,"
                     + " payload = EXCLUDED.payload, ts = EXCLUDED.ts");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            connection.setAutoCommit(false);
            OffsetDateTime ts = OffsetDateTime.now();
            Batches batches = new Batches(connection);
            for (long id = 1; id <= size.inserts(); id++) {
                bindRow(upsert, id, (int) id, payload(id), ts);
                batches.add(upsert);
            }
            for (long id = 1; id <= size.updates(); id++) {
                bindRow(upsert, id, (int) id + 1, payload(-id), ts);
                batches.add(upsert);
            }
            for (long id = size.updates() + 1; id <= size.updates() + size.deletes(); id++) {
                delete.setLong(1, id);
                batches.add(delete);
            }
            bindRow(upsert, size.inserts() + 1L, -1, "end of backlog", ts);
            batches.add(upsert);
            batches.commit();
        }
    }

    /**
     * The backlog's changes appended by plain JDBC as append mode's inserts: one {@code INSERT ... ON CONFLICT
     * (_pgcdc_commit_lsn, _pgcdc_seq) DO NOTHING} per change (a delete's row holds its key only), JDBC batches of
     * {@link #BATCH_SIZE} statements, one transaction each.
     */
    private static void jdbcAppendBatches(Run run, Size size) throws Exception {
        try (Connection connection = run.cluster().connectTo(TARGET_DATABASE);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_history_jdbc (id, k, payload,"
                     + " ts, _pgcdc_op, _pgcdc_commit_lsn, _pgcdc_seq, _pgcdc_lsn, _pgcdc_commit_ts)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (_pgcdc_commit_lsn, _pgcdc_seq) DO NOTHING")) {
            connection.setAutoCommit(false);
            Batches batches = new Batches(connection);
            historyRows(size, (id, k, payload, ts, op, seq) -> {
                insert.setLong(1, id);
                insert.setObject(2, k, Types.INTEGER);
                insert.setString(3, payload);
                insert.setObject(4, ts, Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setString(5, op);
                insert.setLong(6, 1L);
                insert.setLong(7, seq);
                insert.setLong(8, seq);
                insert.setObject(9, ts);
                batches.add(insert);
            });
            batches.commit();
        }
    }

    /**
     * The backlog's changes appended by plain JDBC the way append mode loads them, without the stream and Camel in
     * front, per batch of {@link #BATCH_SIZE} rows. Staged (the method, and append mode's way for a batch
     * that holds more than appends to one table or a redelivered change): a {@code COPY} into a temporary staging
     * table of the target's columns ({@code ON COMMIT DELETE ROWS}), then one
     * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} sent with the {@code COMMIT} in one round trip.
     * {@code direct} (append mode's way for a batch of appends to one table): one {@code COPY} into the target, its
     * own transaction. The methods' own rates on the target, to compare with {@link #jdbcAppendBatches}.
     */
    private static void jdbcCopyAppend(Run run, Size size, String table, boolean direct) throws Exception {
        try (Connection connection = run.cluster().connectTo(TARGET_DATABASE);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMPORARY TABLE history_stage (LIKE " + table + ") ON COMMIT DELETE ROWS");
            connection.setAutoCommit(direct);
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            String columns = "id, k, payload, ts, _pgcdc_op, _pgcdc_commit_lsn, _pgcdc_seq, _pgcdc_lsn,"
                    + " _pgcdc_commit_ts";
            String move = "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM history_stage"
                    + " ON CONFLICT (_pgcdc_commit_lsn, _pgcdc_seq) DO NOTHING; COMMIT";
            String copySql = "COPY " + (direct ? table : "history_stage") + " (" + columns + ") FROM STDIN";
            StringBuilder rows = new StringBuilder(1 << 16);
            int[] count = {0};
            Work load = () -> {
                byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                rows.setLength(0);
                CopyIn in = copy.copyIn(copySql);
                in.writeToCopy(bytes, 0, bytes.length);
                in.endCopy();
                if (!direct) {
                    statement.execute(move);
                }
                count[0] = 0;
            };
            historyRows(size, (id, k, payload, ts, op, seq) -> {
                String time = ts == null ? "\\N" : ts.toString();
                rows.append(id).append('\t').append(k == null ? "\\N" : k.toString()).append('\t')
                        .append(payload == null ? "\\N" : payload).append('\t').append(time).append('\t').append(op)
                        .append("\t1\t").append(seq).append('\t').append(seq).append('\t').append(time)
                        .append('\n');
                if (++count[0] == BATCH_SIZE) {
                    load.run();
                }
            });
            if (count[0] > 0) {
                load.run();
            }
        }
    }

    private interface HistoryRow {
        void add(long id, Integer k, String payload, OffsetDateTime ts, String op, long seq) throws Exception;
    }

    /**
     * The backlog's changes as append mode's rows (a delete's row holds its key only); the change id's two parts are
     * made up (one transaction of every change: commit LSN 1, position {@code seq}), unique per row.
     */
    private static void historyRows(Size size, HistoryRow row) throws Exception {
        OffsetDateTime ts = OffsetDateTime.now();
        long seq = 0;
        for (long id = 1; id <= size.inserts(); id++) {
            row.add(id, (int) id, payload(id), ts, "c", ++seq);
        }
        for (long id = 1; id <= size.updates(); id++) {
            row.add(id, (int) id + 1, payload(-id), ts, "u", ++seq);
        }
        for (long id = size.updates() + 1; id <= size.updates() + size.deletes(); id++) {
            row.add(id, null, null, null, "d", ++seq);
        }
        row.add(size.inserts() + 1L, -1, "end of backlog", ts, "c", ++seq);
    }

    private static void bindRow(PreparedStatement statement, long id, int k, String payload, OffsetDateTime ts)
            throws SQLException {
        statement.setLong(1, id);
        statement.setInt(2, k);
        statement.setString(3, payload);
        statement.setObject(4, ts);
    }

    /** Statements in JDBC batches of at most {@link #BATCH_SIZE}, committed together. */
    private static final class Batches {
        private final Connection connection;
        private PreparedStatement pending;
        private int count;

        Batches(Connection connection) {
            this.connection = connection;
        }

        void add(PreparedStatement statement) throws SQLException {
            if (pending != null && pending != statement) {
                pending.executeBatch();
            }
            pending = statement;
            statement.addBatch();
            if (++count == BATCH_SIZE) {
                commit();
            }
        }

        void commit() throws SQLException {
            if (pending != null) {
                pending.executeBatch();
                pending = null;
            }
            connection.commit();
            count = 0;
        }
    }

    /** {@code rows} rows of the backlog's shape by {@code COPY bench_copy FROM STDIN}, in one transaction. */
    private static void copyIn(Run run, long rows) throws SQLException {
        try (Connection connection = run.cluster().connectTo(TARGET_DATABASE)) {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_copy FROM STDIN");
            String ts = OffsetDateTime.now().toString();
            StringBuilder chunk = new StringBuilder(1 << 17);
            for (long id = 1; id <= rows; id++) {
                chunk.append(id).append('\t').append(id).append('\t').append(payload(id)).append('\t').append(ts)
                        .append('\n');
                if (chunk.length() > 1 << 16 || id == rows) {
                    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    chunk.setLength(0);
                }
            }
            copy.endCopy();
        }
    }

    /** 100 characters, different per row, like the backlog's payloads. */
    static String payload(long seed) {
        StringBuilder text = new StringBuilder(112);
        long x = seed * 0x9E3779B97F4A7C15L;
        while (text.length() < 100) {
            x ^= x >>> 29;
            x *= 0xBF58476D1CE4E5B9L;
            text.append(Long.toHexString(x | Long.MIN_VALUE));
        }
        return text.substring(0, 100);
    }

    private static void target(Run run, String... sql) throws SQLException {
        try (Connection connection = run.cluster().connectTo(TARGET_DATABASE);
             var statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static String targetString(Run run, String sql) throws SQLException {
        try (Connection connection = run.cluster().connectTo(TARGET_DATABASE);
             var statement = connection.createStatement(); var result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }

    private static void require(String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(what + ": expected " + expected + " but found " + actual);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> figures, String key) {
        return (Map<String, Object>) figures.get(key);
    }
}
