package dev.pgcdc.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresCluster;

/**
 * What every measurement of one benchmark run shares.
 *
 * @param baselineJars older camel-pgcdc jars measured beside the current one (before/after figures): the live lag
 *                     measures each, the other parts the first; none for the current build alone
 * @param serverCpu    the cluster's CPU counter, or null where /proc cannot tell
 */
record Run(Size size, PostgresCluster cluster, Workload workload, Slots slots, Consumers consumers,
           List<Path> baselineJars, ServerCpu serverCpu) {

    /** The baseline build the parts other than the live lag measure, or null. */
    Path baselineJar() {
        return baselineJars.isEmpty() ? null : baselineJars.get(0);
    }

    /** Generous: a stuck consumer fails the run instead of hanging it, a slow one on a loaded machine does not. */
    static Duration timeoutFor(long changes) {
        return Duration.ofSeconds(60 + changes / 2_000);
    }

    static long perSecond(long count, double seconds) {
        return Math.round(count / seconds);
    }

    /** Two figures (numbers from a report map) divided, to two decimals. */
    static double ratio(Object numerator, Object denominator) {
        return Math.round(((Number) numerator).doubleValue() / ((Number) denominator).doubleValue() * 100) / 100.0;
    }
}
