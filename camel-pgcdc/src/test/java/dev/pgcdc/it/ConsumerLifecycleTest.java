package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starting and stopping leave nothing behind: no thread of the consumer and no session of it on the server, also
 * when the stop is cut short. On a cluster of its own, so that sessions of other tests do not count.
 */
class ConsumerLifecycleTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void aStopCutShortByCamelsTimeoutStillEndsEveryThreadAndTheHeartbeat() throws Exception {
        String slot = uniqueSlot("cut_short");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        CountDownLatch release = new CountDownLatch(1);
        Received entered = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&heartbeatInterval=1000")).routeId(slot).process(e -> {
                    entered.add(e.getIn().getBody(ChangeEvent.class));
                    release.await(60, TimeUnit.SECONDS);
                });
            }
        });
        try {
            awaitStreaming(slot);
            Await.until("a heartbeat session", Duration.ofSeconds(20), () -> heartbeatSessions() > 0);
            pg().execute("INSERT INTO " + table + " VALUES (1)");
            entered.await(1);

            // the exchange outlives Camel's timeout: the shutdown strategy interrupts the consumer's stop
            context.getRouteController().stopRoute(slot, 1, TimeUnit.SECONDS);

            Await.until("no thread of the consumer left", Duration.ofSeconds(20), () -> consumerThreads(slot),
                    List::isEmpty);
            Await.until("no heartbeat session left", Duration.ofSeconds(20), () -> heartbeatSessions() == 0);
            assertThat(slot(slot).active()).isFalse();
        } finally {
            release.countDown();
        }
    }

    private int heartbeatSessions() {
        return pg().queryForObject("SELECT count(*)::int FROM pg_stat_activity"
                + " WHERE application_name = 'pgcdc heartbeat'", Integer.class);
    }

    /** The consumer's pools name their threads after the slot. */
    static List<String> consumerThreads(String slot) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.endsWith("pgcdc-" + slot) || name.endsWith("pgcdc-monitor-" + slot)
                        || name.contains("pgcdc-" + slot + "-"))
                .toList();
    }
}
