package dev.pgcdc.benchmark.probe;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole JVM (all threads: consumer, GC, JIT). On a machine shared with other work the wall
 * clock says more about the neighbours than about the consumer; CPU seconds per change do not.
 */
public final class CpuClock {

    private CpuClock() {
    }

    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU microseconds per change between two readings. */
    public static double microsPerChange(long startNanos, long endNanos, long changes) {
        return changes == 0 ? 0 : Math.round((endNanos - startNanos) / 1000.0 / changes * 100) / 100.0;
    }
}
