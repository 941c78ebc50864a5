package dev.pgcdc.benchmark.probe;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU time of each thread of this JVM from a starting point, per change: which thread a change's CPU goes to (the
 * process figure of {@link CpuClock} alone cannot tell a slower route thread from more JIT compilation or GC).
 */
public final class ThreadCpu {

    /** Threads reported by name; the rest are summed as "other". */
    private static final int NAMED = 5;

    /**
     * A Camel thread's name: its context's name and a number counted over the JVM's life. Both are left out, the
     * number counted from the context's first live thread instead, so that the threads of the passes of one JVM
     * (a context each) have the same names.
     */
    private static final Pattern CAMEL_THREAD = Pattern.compile("Camel \\((.+?)\\) thread #(\\d+) - (.*)");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final long startProcessNanos;
    private final Map<String, Long> startTaskNanos = taskNanos();

    /** Reads every live thread's CPU time now. */
    public ThreadCpu() {
        for (long id : threads.getAllThreadIds()) {
            startNanos.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        startProcessNanos = CpuClock.processCpuNanos();
    }

    /**
     * CPU microseconds per change since the start, by thread (the busiest by name, with the slot name, unless null,
     * and the endpoint's options left out), the other Java threads as {@code other}, and {@code jvm}: the rest of the
     * process's CPU, the threads the JVM hides (JIT compilers, GC workers).
     */
    public Map<String, Object> microsPerChange(long changes, String slot) {
        Map<String, Long> byName = new HashMap<>();
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        Map<String, Long> firstCamelThread = new HashMap<>();
        for (ThreadInfo info : infos) {
            Matcher camel = info == null ? null : CAMEL_THREAD.matcher(info.getThreadName());
            if (camel != null && camel.matches()) {
                firstCamelThread.merge(camel.group(1), Long.parseLong(camel.group(2)), Math::min);
            }
        }
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue;
            }
            long used = threads.getThreadCpuTime(info.getThreadId()) - startNanos.getOrDefault(info.getThreadId(), 0L);
            String name = info.getThreadName();
            Matcher camel = CAMEL_THREAD.matcher(name);
            if (camel.matches()) {
                name = "Camel thread #" + (Long.parseLong(camel.group(2)) - firstCamelThread.get(camel.group(1)) + 1)
                        + " - " + camel.group(3);
            }
            byName.merge(slot == null ? name : name.replace(slot, "<slot>"), Math.max(0, used), Long::sum);
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
        figures.putAll(hiddenThreads(changes, infos));
        return figures;
    }

    /**
     * The busiest of the threads the JVM hides, by their OS name with the number left out ({@code jvm: C2
     * CompilerThre}, {@code jvm: G1 Refine#}), from Linux's per-task scheduler clock; none where there is no
     * {@code /proc}. A Java thread's OS name is the first 15 characters of its name, so those are left out; the
     * main thread's is the launcher's, {@code java}.
     */
    private Map<String, Object> hiddenThreads(long changes, ThreadInfo[] infos) {
        Map<String, Long> used = new HashMap<>();
        taskNanos().forEach((task, nanos) -> used.merge(task.substring(task.indexOf(' ') + 1),
                nanos - startTaskNanos.getOrDefault(task, 0L), Long::sum));
        for (ThreadInfo info : infos) {
            if (info != null) {
                used.remove(osName(info.getThreadName().equals("main") ? "java" : info.getThreadName()));
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(NAMED).forEach(thread -> figures.put("jvm: " + thread.getKey(),
                        CpuClock.microsPerChange(0, thread.getValue(), changes)));
        return figures;
    }

    /** A thread's OS name (at most 15 characters) without its number, as a task and a Java thread both give it. */
    private static String osName(String name) {
        return name.substring(0, Math.min(15, name.length())).strip().replaceAll("[0-9]+$", "");
    }

    /** Each task of this process ({@code "<tid> <OS name without its number>"}) and the CPU it has run, in ns. */
    private static Map<String, Long> taskNanos() {
        Map<String, Long> tasks = new HashMap<>();
        try (var ids = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : ids.toList()) {
                try {
                    String name = osName(Files.readString(task.resolve("comm")));
                    String schedstat = Files.readString(task.resolve("schedstat"));
                    tasks.put(task.getFileName() + " " + name,
                            Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                } catch (IOException | RuntimeException ended) {
                    // a task that ended while listed has no time to add
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: the hidden threads are not told apart
        }
        return tasks;
    }
}
