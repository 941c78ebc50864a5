package dev.pgcdc.benchmark.probe;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The memory figures of this JVM: peak heap in use (sampled, so it includes garbage not yet collected), the
 * largest heap still in use right after a collection (the live set: this is what grows with transaction size if
 * anything does), and the peak resident set size of the whole process (VmHWM).
 */
public final class MemoryWatch implements AutoCloseable {

    /** Heap use has no change notification: it is sampled, often enough to catch the peak of a large transaction. */
    private static final long SAMPLE_MILLIS = 10;

    private final Thread sampler;
    private volatile long peakHeapUsed;
    private volatile long peakHeapAfterGc;
    private volatile boolean running = true;

    public MemoryWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    long live = heapUsed(GarbageCollectionNotificationInfo
                            .from((CompositeData) notification.getUserData()).getGcInfo().getMemoryUsageAfterGc());
                    peakHeapAfterGc = Math.max(peakHeapAfterGc, live);
                }
            }, null, null);
        }
        sampler = new Thread(this::sample, "memory-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The after-GC map holds every memory pool; only the heap pools count. */
    private static long heapUsed(Map<String, MemoryUsage> afterGc) {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = afterGc.get(pool.getName());
            if (pool.getType() == MemoryType.HEAP && usage != null) {
                used += usage.getUsed();
            }
        }
        return used;
    }

    private void sample() {
        while (running) {
            peakHeapUsed = Math.max(peakHeapUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Figures in MiB: peakHeapUsedMb, peakLiveHeapMb (after GC), maxHeapMb, peakRssMb. */
    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("peakHeapUsedMb", mib(peakHeapUsed));
        figures.put("peakLiveHeapMb", mib(peakHeapAfterGc));
        figures.put("maxHeapMb", mib(Runtime.getRuntime().maxMemory()));
        figures.put("peakRssMb", mib(peakRssBytes()));
        return figures;
    }

    private static long peakRssBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static double mib(long bytes) {
        return bytes < 0 ? -1 : Math.round(bytes / 1048576.0 * 10) / 10.0;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
