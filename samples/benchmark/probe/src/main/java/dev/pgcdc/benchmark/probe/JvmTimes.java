package dev.pgcdc.benchmark.probe;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The JVM's accumulated JIT compilation and garbage collection times, and its threads' sleeps. */
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

    /**
     * How often this JVM's threads have gone to sleep so far (their voluntary context switches, summed over the live
     * threads, Linux {@code /proc}): each sleep is a wake-up later, by a socket, a queue or a timer; -1 when unknown.
     */
    static long sleeps() {
        long sleeps = 0;
        try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    for (String line : Files.readAllLines(thread.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            sleeps += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return sleeps;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
