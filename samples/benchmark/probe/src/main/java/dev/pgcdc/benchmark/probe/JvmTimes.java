package dev.pgcdc.benchmark.probe;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/** The JVM's accumulated JIT compilation and garbage collection times. */
final class JvmTimes {

    private JvmTimes() {
    }

    /** Milliseconds spent compiling so far, summed over the compiler threads; 0 when the JVM does not say. */
    static long compileMillis() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime()
                : 0;
    }

    /** Milliseconds of collections so far (G1: its pauses and concurrent cycles), over all collectors. */
    static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, collector.getCollectionTime());
        }
        return millis;
    }
}
