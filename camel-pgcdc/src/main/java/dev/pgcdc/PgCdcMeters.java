package dev.pgcdc;

import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;

/**
 * Micrometer meters for one consumer, registered when the application has a {@link MeterRegistry} in the Camel
 * registry (camel-micrometer puts one there). Every meter reads the consumer's own counters, so nothing is counted
 * twice. They are tagged with the slot, and with the Camel context and route as Camel's own route meters are: slots
 * of two servers may share a name, and meters with the same tags would be one meter for both consumers.
 */
final class PgCdcMeters {

    private final MeterRegistry registry;
    private final PgCdcConsumer consumer;
    private final Tags tags;
    /** Guarded by this: a refresh still running when the consumer stops must not add a meter after removal. */
    private final List<Meter> meters = new ArrayList<>();
    private final Set<String> tables = new HashSet<>();
    private boolean removed;

    private PgCdcMeters(MeterRegistry registry, PgCdcConsumer consumer, Tags tags) {
        this.registry = registry;
        this.consumer = consumer;
        this.tags = tags;
        meters.add(FunctionCounter.builder("pgcdc.changes.received", consumer, PgCdcConsumer::getReceivedCount)
                .description("Changes handed to the route").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("pgcdc.changes.completed", consumer, PgCdcConsumer::getCompletedCount)
                .description("Changes whose exchanges completed (acknowledged at the next commit)").tags(tags)
                .register(registry));
        meters.add(Gauge.builder("pgcdc.changes.inflight", consumer, PgCdcConsumer::getInflightCount)
                .description("Changes handed to the route and not completed").tags(tags).register(registry));
        meters.add(Gauge.builder("pgcdc.slot.lag.bytes", consumer, PgCdcConsumer::getLagBytes)
                .description("WAL written since the confirmed position").baseUnit("bytes").tags(tags)
                .register(registry));
        meters.add(Gauge.builder("pgcdc.slot.retained.bytes", consumer, PgCdcConsumer::getRetainedWalBytes)
                .description("WAL the slot keeps on the server").baseUnit("bytes").tags(tags)
                .register(registry));
        meters.add(Gauge.builder("pgcdc.lag.seconds", consumer, PgCdcConsumer::getLagSeconds)
                .description("Now minus the commit time of the newest change handed to the route").baseUnit("seconds")
                .tags(tags).register(registry));
    }

    /**
     * Meters for the consumer, or null when the Camel registry has no MeterRegistry. Call it only after
     * {@link #micrometerPresent()}: this class cannot even be loaded without Micrometer.
     */
    static PgCdcMeters bind(CamelContext context, PgCdcConsumer consumer, String slot) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        // a consumer made outside a route (e.g. by a ConsumerTemplate) has no route id, and a tag needs a value
        String routeId = consumer.getRouteId() == null ? "" : consumer.getRouteId();
        return registry == null ? null : new PgCdcMeters(registry, consumer,
                Tags.of("slot", slot, "camelContext", context.getName(), "routeId", routeId));
    }

    /**
     * Adds a counter for each table that received its first change since the last call (tables appear lazily). A
     * table whose registration threw is tried again at the next call; the first failure is thrown after the others
     * were tried.
     */
    synchronized void registerNewTables() {
        RuntimeException failure = null;
        for (String table : consumer.getReceivedPerTable().keySet()) {
            if (removed || tables.contains(table)) {
                continue;
            }
            try {
                meters.add(FunctionCounter.builder("pgcdc.changes.received.table", consumer,
                                c -> c.getReceivedPerTable().getOrDefault(table, 0L))
                        .description("Changes of one table handed to the route").tags(tags.and("table", table))
                        .register(registry));
                tables.add(table);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    synchronized void remove() {
        removed = true;
        meters.forEach(registry::remove);
        meters.clear();
    }
}
