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
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;

/**
 * The memory figures of this JVM: peak heap in use (garbage not yet collected included), the largest heap still in
 * use right after a collection (the live set: this is what grows with transaction size if anything does), and the
 * peak resident set size of the whole process (VmHWM).
 *
 * <p>Heap use only grows between collections, so its peak is the largest use a collection found before it started,
 * or the use now: read from the collections' notifications, with no thread of its own that would compete for a CPU
 * with what is measured.
 */
public final class MemoryWatch implements AutoCloseable {

    private final Map<NotificationEmitter, NotificationListener> listeners = new LinkedHashMap<>();
    private volatile long peakHeapUsed;
    private volatile long peakHeapAfterGc;

    public MemoryWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            NotificationListener listener = (notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                            .getGcInfo();
                    peakHeapUsed(heapUsed(info.getMemoryUsageBeforeGc()));
                    peakHeapAfterGc = Math.max(peakHeapAfterGc, heapUsed(info.getMemoryUsageAfterGc()));
                }
            };
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
            listeners.put((NotificationEmitter) gc, listener);
        }
    }

    /** The notifications come on one JMX thread, figures() on another. */
    private synchronized void peakHeapUsed(long used) {
        peakHeapUsed = Math.max(peakHeapUsed, used);
    }

    /** A GC's before and after maps hold every memory pool; only the heap pools count. */
    private static long heapUsed(Map<String, MemoryUsage> usages) {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = usages.get(pool.getName());
            if (pool.getType() == MemoryType.HEAP && usage != null) {
                used += usage.getUsed();
            }
        }
        return used;
    }

    /** Figures in MiB: peakHeapUsedMb, peakLiveHeapMb (after GC), maxHeapMb, peakRssMb. */
    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        peakHeapUsed(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
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
        listeners.forEach((gc, listener) -> {
            try {
                gc.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
