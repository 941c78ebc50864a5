package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two pipelines whose slots have the same name, on two servers, are metered apart. */
class MeterIdentityTest extends DefaultClusterTest {

    @RegisterExtension
    static final PostgresExtension OTHER = PostgresExtension.builder().build();

    @Test
    void twoConsumersOfSlotsWithTheSameNameHaveMetersOfTheirOwn() throws Exception {
        String slot = uniqueSlot("same_name");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        OTHER.server().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("meters", meters);
        Received here = new Received();
        Received there = new Received();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).routeId("here")
                        .process(e -> here.add(e.getIn().getBody(ChangeEvent.class)));
                from(uri(OTHER.server(), slot, "tables=" + table)).routeId("there")
                        .process(e -> there.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        contexts.add(context);
        context.start();
        awaitStreaming(slot);
        Await.until("the other slot active", Duration.ofSeconds(30), () -> OTHER.server().replicationSlots().stream()
                .anyMatch(s -> s.slotName().equals(slot) && s.active()));
        pg().execute("INSERT INTO " + table + " SELECT generate_series(1, 3)");
        OTHER.server().execute("INSERT INTO " + table + " SELECT generate_series(1, 5)");
        here.await(3);
        there.await(5);

        Await.until("each consumer's count", Duration.ofSeconds(20), () -> counts(meters, slot), List.of(3.0, 5.0)::equals);
        context.getRouteController().stopRoute("there");
        assertThat(counts(meters, slot)).containsExactly(3.0);
    }

    @Test
    void aConsumerOutsideARouteIsMeteredToo() throws Exception {
        String slot = uniqueSlot("no_route");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("meters", meters);
        contexts.add(context);
        context.start();
        Consumer consumer = context.getEndpoint(uri(slot, "tables=" + table)).createConsumer(exchange -> { });
        try {
            consumer.start();
            assertThat(meters.find("pgcdc.changes.received").tags("slot", slot, "routeId", "").functionCounter())
                    .isNotNull();
        } finally {
            consumer.stop();
        }
        assertThat(meters.find("pgcdc.changes.received").tag("slot", slot).meters()).isEmpty();
    }

    @Test
    void aTableMeterRegisteredWhileTheRouteStopsIsRemovedToo() throws Exception {
        String slot = uniqueSlot("meter_at_stop");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CountDownLatch registering = new CountDownLatch(1);
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (id.getTag("table") != null && registering.getCount() > 0) {
                    registering.countDown();
                    // the refresh's run is still registering when the stop removes the consumer's meters: it goes on
                    // once they are gone, or after a while, whatever interrupts it
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (System.nanoTime() < deadline
                            && meters.find("pgcdc.changes.received").tag("slot", slot).meter() != null) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                }
                return id;
            }
        });
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("meters", meters);
        Received received = new Received();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "slotMonitorInterval=50&tables=" + table)).routeId(slot)
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        contexts.add(context);
        context.start();
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)");
        received.await(1);
        assertThat(registering.await(20, TimeUnit.SECONDS)).as("the table's meter being registered").isTrue();

        context.getRouteController().stopRoute(slot);
        assertThat(meters.find("pgcdc.changes.received.table").tag("slot", slot).meters()).isEmpty();
    }

    private static List<Double> counts(SimpleMeterRegistry meters, String slot) {
        return meters.find("pgcdc.changes.received").tag("slot", slot).functionCounters().stream()
                .map(FunctionCounter::count).sorted().toList();
    }

    private String uri(PostgresServer server, String slot, String options) {
        return uri(slot, options).replace("host=" + pg().host() + "&port=" + pg().port(),
                "host=" + server.host() + "&port=" + server.port());
    }
}
