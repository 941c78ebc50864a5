package dev.pgcdc.benchmark.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU time of each thread of this JVM from a starting point, per change: which thread a change's CPU goes to (the
 * process figure of {@link CpuClock} alone cannot tell a slower route thread from more JIT compilation or GC).
 */
public final class ThreadCpu {

    /** Threads reported by name; the rest are summed as "other". */
    private static final int NAMED = 5;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final long startProcessNanos;

    /** Reads every live thread's CPU time now. */
    public ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            startNanos.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        startProcessNanos = CpuClock.processCpuNanos();
    }

    /**
     * CPU microseconds per change since the start, by thread (the busiest by name, with the slot name and the
     * endpoint's options left out), the other Java threads as {@code other}, and {@code jvm}: the rest of the
     * process's CPU, the threads the JVM hides (JIT compilers, GC workers).
     */
    public Map<String, Object> microsPerChange(long changes, String slot) {
        Map<String, Long> byName = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long used = threads.getThreadCpuTime(info.getThreadId()) - startNanos.getOrDefault(info.getThreadId(), 0L);
            byName.merge(info.getThreadName().replace(slot, "<slot>"), Math.max(0, used), Long::sum);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        long other = 0;
        long java = 0;
        int named = 0;
        for (Map.Entry<String, Long> thread : byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).toList()) {
            java += thread.getValue();
            if (named++ < NAMED) {
                figures.put(thread.getKey(), CpuClock.microsPerChange(0, thread.getValue(), changes));
            } else {
                other += thread.getValue();
            }
        }
        figures.put("other", CpuClock.microsPerChange(0, other, changes));
        figures.put("jvm", CpuClock.microsPerChange(startProcessNanos + java, CpuClock.processCpuNanos(), changes));
        return figures;
    }
}
