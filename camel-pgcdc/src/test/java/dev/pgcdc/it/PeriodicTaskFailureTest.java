package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.security.LogCapture;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * A scheduled executor never runs a periodic task again once a run threw: the consumer's periodic tasks must survive
 * a failing run. Here the meters' refresh, whose runs the application's meter registry can make fail (a meter filter
 * that throws), on a real stream: a table whose registration failed is tried again until it gets its meter, and a
 * table that gets its first change later still gets its meter.
 */
class PeriodicTaskFailureTest extends DefaultClusterTest {

    @Test
    void theMetersRefreshGoesOnAfterARunThrowsAndSaysSoOnce() throws Exception {
        String slot = uniqueSlot("refresh_fails");
        String first = slot + "_first";
        String later = slot + "_later";
        pg().execute("CREATE TABLE " + first + " (id int PRIMARY KEY)");
        pg().execute("CREATE TABLE " + later + " (id int PRIMARY KEY)");
        AtomicInteger failedRuns = new AtomicInteger();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (("public." + first).equals(id.getTag("table")) && failedRuns.get() < 3) {
                    failedRuns.incrementAndGet();
                    throw new IllegalStateException("meter filter bug");
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
                from(uri(slot, "slotMonitorInterval=50&tables=" + first + "," + later))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        contexts.add(context);
        try (LogCapture log = new LogCapture()) {
            context.start();
            awaitStreaming(slot);
            pg().execute("INSERT INTO " + first + " VALUES (1)");
            received.await(1);
            Await.until("three refresh runs failed", Duration.ofSeconds(20), () -> failedRuns.get() == 3);
            Await.until("the first table's meter, at a later run", Duration.ofSeconds(20),
                    () -> meters.find("pgcdc.changes.received.table").tag("table", "public." + first)
                            .functionCounter() != null);

            pg().execute("INSERT INTO " + later + " VALUES (1)");
            received.await(2);
            Await.until("the later table's meter", Duration.ofSeconds(20),
                    () -> meters.find("pgcdc.changes.received.table").tag("table", "public." + later)
                            .functionCounter() != null);
            assertThat(log.text().lines().filter(line -> line.startsWith("WARN") && line.contains("meter filter bug")))
                    .as("the failure of three runs in a row, said once").hasSize(1);
        }
    }
}
