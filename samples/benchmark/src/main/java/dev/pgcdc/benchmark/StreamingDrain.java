package dev.pgcdc.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Part 1: the same backlog drained by pg_recvlogical (the walsender's ceiling), pgcdc streaming, pgcdc with catch-up
 * (the backlog through the SQL interface), both also with an older pgcdc build when given, and
 * camel-debezium-postgres, each from its own slot created before the backlog was written. pg_recvlogical drains first
 * and again last: the consumers that drain later in a run were seen to be up to a tenth faster with the same code, so
 * the ratios are taken against the faster of its two drains.
 */
final class StreamingDrain {

    private static final String RECV = "drain_recvlogical";
    private static final String RECV_AGAIN = "drain_recvlogical_again";
    private static final String PGCDC = "drain_pgcdc";
    private static final String BASELINE = "drain_pgcdc_baseline";
    private static final String CATCH_UP = "drain_pgcdc_catchup";
    private static final String BASELINE_CATCH_UP = "drain_pgcdc_catchup_baseline";
    private static final String DEBEZIUM = "drain_debezium";

    private StreamingDrain() {
    }

    /** @param withDebezium whether camel-debezium-postgres drains too (part streaming; part catchUp leaves it out) */
    static Map<String, Object> measure(Run run, boolean withDebezium) throws Exception {
        long changes = run.size().backlogChanges();
        Duration timeout = Run.timeoutFor(changes);
        run.slots().create(RECV, RECV_AGAIN, PGCDC, CATCH_UP);
        if (withDebezium) {
            run.slots().create(DEBEZIUM);
        }
        if (run.baselineJar() != null) {
            run.slots().create(BASELINE, BASELINE_CATCH_UP);
        }
        long writeStart = System.nanoTime();
        String endLsn = run.workload().writeBacklog(run.size());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("changes", changes);
        figures.put("writeSeconds", (System.nanoTime() - writeStart) / 1e9);
        figures.put("endLsn", endLsn);

        // each consumer's progress over time, for the report's chart
        Map<String, Object> timelines = new LinkedHashMap<>();
        double recvSeconds;
        try (DrainTimeline timeline = DrainTimeline.start(run.cluster(), RECV, endLsn, changes)) {
            recvSeconds = run.consumers().recvlogical(RECV, endLsn, timeout);
            timelines.put("pgRecvlogical", timeline.samples());
        }
        figures.put("pgRecvlogical", rate(changes, recvSeconds));

        Map<String, Object> pgcdc;
        try (DrainTimeline timeline = DrainTimeline.start(run.cluster(), PGCDC, endLsn, changes)) {
            pgcdc = withRate(run.consumers().pgcdc("pgcdc-drain", "drain", PGCDC, changes, 0, timeout,
                    null).result(timeout), changes);
            timelines.put("pgcdc", timeline.samples());
        }
        figures.put("pgcdc", pgcdc);
        // catch-up has no walsender until the head, so no sent_lsn to draw: no timeline
        Map<String, Object> catchUp = withRate(run.consumers().pgcdcCatchUp("pgcdc-catchup-drain", CATCH_UP, changes,
                timeout, null).result(timeout), changes);
        figures.put("pgcdcCatchUp", catchUp);
        if (run.baselineJar() != null) {
            figures.put("pgcdcCatchUpBaseline", withRate(run.consumers().pgcdcCatchUp("pgcdc-catchup-baseline-drain",
                    BASELINE_CATCH_UP, changes, timeout, run.baselineJar()).result(timeout), changes));
        }
        if (run.baselineJar() != null) {
            try (DrainTimeline timeline = DrainTimeline.start(run.cluster(), BASELINE, endLsn, changes)) {
                figures.put("pgcdcBaseline", withRate(run.consumers().pgcdc("pgcdc-baseline-drain", "drain", BASELINE,
                        changes, 0, timeout, run.baselineJar()).result(timeout), changes));
                timelines.put("pgcdcBaseline", timeline.samples());
            }
        }
        if (withDebezium) {
            try (DrainTimeline timeline = DrainTimeline.start(run.cluster(), DEBEZIUM, endLsn, changes)) {
                figures.put("debezium", withRate(run.consumers().debezium("debezium-drain", "stream", DEBEZIUM,
                        changes, timeout).result(timeout), changes));
                timelines.put("debezium", timeline.samples());
            }
        }

        double recvAgainSeconds = run.consumers().recvlogical(RECV_AGAIN, endLsn, timeout);
        figures.put("pgRecvlogicalAgain", rate(changes, recvAgainSeconds));
        double recvBest = changes / Math.min(recvSeconds, recvAgainSeconds);

        Object pgcdcRate = pgcdc.get("changesPerSecond");
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("pgcdcToPgRecvlogical", Run.ratio(pgcdcRate, recvBest));
        if (figures.get("debezium") instanceof Map<?, ?> debezium) {
            ratios.put("pgcdcToDebezium", Run.ratio(pgcdcRate, debezium.get("changesPerSecond")));
        }
        ratios.put("pgcdcCatchUpToPgRecvlogical", Run.ratio(catchUp.get("changesPerSecond"), recvBest));
        ratios.put("pgcdcCatchUpToPgcdc", Run.ratio(catchUp.get("changesPerSecond"), pgcdcRate));
        if (figures.get("pgcdcBaseline") instanceof Map<?, ?> baseline) {
            ratios.put("pgcdcToBaseline", Run.ratio(pgcdcRate, baseline.get("changesPerSecond")));
        }
        if (figures.get("pgcdcCatchUpBaseline") instanceof Map<?, ?> baseline) {
            ratios.put("pgcdcCatchUpToBaseline", Run.ratio(catchUp.get("changesPerSecond"),
                    baseline.get("changesPerSecond")));
        }
        figures.put("ratios", ratios);
        figures.put("timelines", timelines);
        run.slots().drop(RECV, RECV_AGAIN, PGCDC, CATCH_UP, BASELINE, BASELINE_CATCH_UP, DEBEZIUM);
        return figures;
    }

    private static Map<String, Object> rate(long changes, double seconds) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seconds", seconds);
        figures.put("changesPerSecond", Run.perSecond(changes, seconds));
        return figures;
    }

    /** A probe's figures with its rate (over the time from its first change to the end) in front. */
    static Map<String, Object> withRate(Map<String, Object> probe, long changes) {
        requireComplete(probe);
        Map<String, Object> figures = rate(changes, ((Number) probe.get("seconds")).doubleValue());
        figures.putAll(probe);
        figures.remove("complete");
        figures.remove("count");
        return figures;
    }

    static void requireComplete(Map<String, Object> probe) {
        if (!Boolean.TRUE.equals(probe.get("complete"))) {
            throw new IllegalStateException("a consumer timed out after " + probe.get("count") + " changes: " + probe);
        }
    }
}
