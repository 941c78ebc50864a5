package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;

/** Operations: idle advancement, slot sharing between instances, health, metrics and slot removal. */
class OperationsTest extends DefaultClusterTest {

    @Test
    void anIdleCapturedTableDoesNotPinWalWhileOtherTablesAreBusy() throws Exception {
        String slot = uniqueSlot("idle");
        pg().execute("CREATE TABLE " + slot + "_captured (id int PRIMARY KEY)",
                "CREATE TABLE " + slot + "_busy (id int PRIMARY KEY)");
        Received received = new Received();
        start(routeTo(slot, "tables=" + slot + "_captured", received));
        awaitStreaming(slot);
        long before = confirmedFlush(slot);
        for (int round = 1; round <= 3; round++) {
            pg().execute("INSERT INTO " + slot + "_busy SELECT g FROM generate_series(" + (round * 1000) + ", "
                    + (round * 1000 + 999) + ") g");
            long written = currentWalLsn();
            Await.until("confirmed_flush_lsn follows other tables' WAL (round " + round + ")", Duration.ofSeconds(30),
                    () -> confirmedFlush(slot) >= written);
        }
        assertThat(confirmedFlush(slot)).isGreaterThan(before);
        assertThat(received.size()).isZero();
    }

    @Test
    void heartbeatRowsAdvanceAnIdleSlotAndNeverReachTheRoute() throws Exception {
        String slot = uniqueSlot("heartbeat");
        String table = slot + "_t";
        String heartbeat = slot + "_hb";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received received = new Received();
        // no snapshot: its watermark rows would move the slot too, and this test is about heartbeats alone
        start(routeTo(slot, "tables=" + table + "&heartbeatTable=public." + heartbeat + "&heartbeatInterval=300"
                + "&snapshotMode=never", received));
        awaitStreaming(slot);
        Await.until("a first heartbeat row", Duration.ofSeconds(20), () -> pg().queryForObject(
                "SELECT count(*)::int FROM " + heartbeat + " WHERE slot_name = ?", Integer.class, slot) == 1);
        // setup created the heartbeat table and put it into the publication
        assertThat(pg().queryForObject("SELECT count(*)::int FROM pg_publication_tables WHERE pubname = ?"
                + " AND tablename = ?", Integer.class, slot, heartbeat)).isEqualTo(1);
        long idleSince = currentWalLsn();
        Await.until("the heartbeat moves the confirmed position of the idle slot", Duration.ofSeconds(30),
                () -> confirmedFlush(slot) > idleSince);
        assertThat(pg().queryForObject("SELECT count(*)::int FROM " + heartbeat + " WHERE slot_name = ?",
                Integer.class, slot)).isEqualTo(1);
        assertThat(received.size()).isZero();
    }

    @Test
    void aSecondInstanceWaitsForTheSlotAndTakesOverWithoutLoss() throws Exception {
        String slot = uniqueSlot("takeover");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received first = new Received();
        Received second = new Received();
        CamelContext active = start(routeTo(slot, "tables=" + table, first));
        awaitStreaming(slot);
        int activePid = slot(slot).activePid();
        CamelContext standby = start(routeTo(slot, "tables=" + table, second));
        Await.until("the standby waits for the busy slot", Duration.ofSeconds(20),
                () -> "RETRYING".equals(consumer(standby).getPhase()));

        insertRange(table, 1, 50);
        first.await(50);
        active.stop();
        contexts.remove(active);
        Await.until("the standby took the slot over", Duration.ofSeconds(30),
                () -> slot(slot).active() && slot(slot).activePid() != activePid);
        insertRange(table, 51, 100);
        List<ChangeEvent> taken = second.awaitMatching("rows 51-100 on the standby", l -> ids(l).containsAll(range(51, 100)));

        assertThat(ids(first.snapshot())).isEqualTo(range(1, 50));
        // the first instance confirmed everything before it stopped, so nothing is delivered twice
        assertThat(ids(taken)).isEqualTo(range(51, 100));
        assertThat(taken).hasSize(50);
    }

    @Test
    void healthAndMetricsAreVisibleThroughCamelAndTheSlotCanBeDropped() throws Exception {
        String slot = uniqueSlot("health");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received received = new Received();
        CamelContext context = start(routeTo(slot, "tables=" + table + "&slotMonitorInterval=200", received));
        awaitStreaming(slot);
        insertRange(table, 1, 10);
        received.await(10);

        HealthCheck.Result health = Await.until("consumer health UP", Duration.ofSeconds(20),
                () -> consumerHealth(context), r -> r.isPresent() && r.get().getState() == HealthCheck.State.UP).get();
        assertThat(health.getDetails()).containsEntry("pgcdc.slot", slot).containsEntry("pgcdc.phase", "STREAMING");

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = consumerMBean(jmx, context);
        Await.until("all ten completed", Duration.ofSeconds(20),
                () -> ((Long) attribute(jmx, name, "CompletedCount")) == 10L);
        assertThat(attribute(jmx, name, "ReceivedCount")).isEqualTo(10L);
        assertThat(attribute(jmx, name, "InflightCount")).isEqualTo(0L);
        assertThat(((Map<?, ?>) attribute(jmx, name, "ReceivedPerTable")).get("public." + table)).isEqualTo(10L);
        Await.until("lag read from the server", Duration.ofSeconds(20),
                () -> ((Long) attribute(jmx, name, "LagBytes")) >= 0);
        assertThat(attribute(jmx, name, "WalStatus")).isEqualTo("reserved");

        jmx.invoke(name, "dropSlot", new Object[0], new String[0]);
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        assertThat(consumer(context).getPhase()).isEqualTo("STOPPED");
    }

    @Test
    void meteredThroughMicrometerWhenTheApplicationHasARegistry() throws Exception {
        String slot = uniqueSlot("meters");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("meters", meters);
        Received received = new Received();
        context.addRoutes(routeTo(slot, "tables=" + table + "&slotMonitorInterval=200", received));
        contexts.add(context);
        context.start();
        awaitStreaming(slot);
        insertRange(table, 1, 5);
        received.await(5);

        Await.until("five changes counted", Duration.ofSeconds(20), () -> count(meters, "pgcdc.changes.received",
                Tags.of("slot", slot)) == 5 && count(meters, "pgcdc.changes.completed", Tags.of("slot", slot)) == 5);
        Await.until("the table's counter", Duration.ofSeconds(20), () -> count(meters, "pgcdc.changes.received.table",
                Tags.of("slot", slot, "table", "public." + table)) == 5);
        assertThat(meters.get("pgcdc.changes.inflight").tag("slot", slot).gauge().value()).isZero();
        Await.until("lag read from the server", Duration.ofSeconds(20),
                () -> meters.get("pgcdc.slot.lag.bytes").tag("slot", slot).gauge().value() >= 0);

        context.stop();
        assertThat(meters.find("pgcdc.changes.received").tag("slot", slot).functionCounter()).isNull();
    }

    private static double count(SimpleMeterRegistry meters, String name, Tags tags) {
        FunctionCounter counter = meters.find(name).tags(tags).functionCounter();
        return counter == null ? -1 : counter.count();
    }

    private RouteBuilder routeTo(String slot, String options, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }

    private void insertRange(String table, int from, int to) {
        for (int i = from; i <= to; i++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + i + ")");
        }
    }

    private static Set<Object> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
    }

    private static Set<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.getAfter().get("id")).collect(Collectors.toSet());
    }

    static Optional<HealthCheck.Result> consumerHealth(CamelContext context) {
        // what camel.health.consumersEnabled=true does in Camel Main
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry.getRepository("consumers").isEmpty()) {
            registry.register(registry.resolveById("consumers"));
        }
        return HealthCheckHelper.invoke(context).stream()
                .filter(r -> r.getCheck().getId().startsWith("consumer:")).findFirst();
    }

    private static ObjectName consumerMBean(MBeanServer jmx, CamelContext context) throws Exception {
        Set<ObjectName> names = jmx.queryNames(new ObjectName("org.apache.camel:context=" + context.getManagementName()
                + ",type=consumers,*"), null);
        assertThat(names).hasSize(1);
        return names.iterator().next();
    }

    private static Object attribute(MBeanServer jmx, ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + attribute + " of " + name, e);
        }
    }
}
