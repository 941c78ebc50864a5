package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery timing: a connection that silently stops carrying traffic is noticed and replaced, back-off starts again
 * after healthy sessions, and a standby instance polls a busy slot at a steady interval. Timings are read from what
 * the server and a TCP proxy observe (connection start times), never from sleeps.
 */
class ReconnectTest extends DefaultClusterTest {

    private static final long READ_TIMEOUT_MILLIS = 3000;
    private static final long GRACE_MILLIS = 500;
    private static final long POLL_WINDOW_NANOS = 8_000_000_000L;

    @Test
    void aBlackHoledConnectionIsNoticedReportedDownAndReplacedWithoutLosingChanges() throws Exception {
        String slot = uniqueSlot("partition");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            Received received = new Received();
            CamelContext context = start(routeTo(viaProxy(uri(slot, "tables=" + table + "&readTimeout="
                    + READ_TIMEOUT_MILLIS + "&healthGracePeriod=" + GRACE_MILLIS), proxy), received));
            awaitStreaming(slot);
            insertRange(table, 1, 10);
            received.await(10);
            awaitHealth(context, HealthCheck.State.UP);

            int partitionedPid = slot(slot).activePid();
            long partitionedAt = System.nanoTime();
            proxy.blackHole(true);
            insertRange(table, 11, 20);
            awaitHealth(context, HealthCheck.State.DOWN);
            Duration noticedAfter = Duration.ofNanos(System.nanoTime() - partitionedAt);
            // readTimeout plus the health grace period, plus slack for a loaded machine
            assertThat(noticedAfter).isLessThan(Duration.ofMillis(READ_TIMEOUT_MILLIS + GRACE_MILLIS + 5000));

            proxy.blackHole(false);
            received.awaitMatching("rows 1-20, those written during the partition included",
                    l -> ids(l).containsAll(range(1, 20)));
            awaitHealth(context, HealthCheck.State.UP);
            // a new connection (possibly one opened during the partition, whose login resumed when it healed)
            assertThat(proxy.acceptedNanos()).anyMatch(accepted -> accepted > partitionedAt);
            assertThat(slot(slot).activePid()).isNotEqualTo(partitionedPid);
            insertRange(table, 21, 25);
            received.awaitMatching("rows 21-25 on the new connection", l -> ids(l).containsAll(range(21, 25)));
        }
    }

    @Test
    void connectionsCutOffForGoodAreReplacedAndNoMonitorQueryHangs() throws Exception {
        String slot = uniqueSlot("cutoff");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            Received received = new Received();
            start(routeTo(viaProxy(uri(slot, "tables=" + table + "&readTimeout=" + READ_TIMEOUT_MILLIS
                    + "&slotMonitorInterval=200"), proxy), received));
            awaitStreaming(slot);
            insertRange(table, 1, 5);
            received.await(5);
            Await.until("the slot monitor connected through the proxy", Duration.ofSeconds(30),
                    () -> slotMonitorsVia(proxy.upstreamPorts()) > 0);
            int pid = slot(slot).activePid();
            Set<Integer> cutOff = proxy.upstreamPorts();

            proxy.cutOffOpenConnections();
            insertRange(table, 6, 10);
            received.awaitMatching("rows 6-10 over a new connection", l -> ids(l).containsAll(range(6, 10)));
            assertThat(slot(slot).activePid()).isNotEqualTo(pid);
            // the monitor's query on its cut-off connection timed out, and the next round opened a new connection
            Await.until("a new slot monitor connection", Duration.ofSeconds(30), () -> {
                Set<Integer> fresh = new HashSet<>(proxy.upstreamPorts());
                fresh.removeAll(cutOff);
                return slotMonitorsVia(fresh) > 0;
            });
        }
    }

    @ParameterizedTest(name = "reset={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionClosedUnderAnIdleStreamIsReplacedAtOnceNotAfterTheReadTimeout(boolean reset) throws Exception {
        String slot = uniqueSlot(reset ? "reset" : "closed");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            Received received = new Received();
            // neither a status update (statusInterval) nor the read timeout would notice the end within the wait below
            start(routeTo(viaProxy(uri(slot, "tables=" + table + "&statusInterval=60000&readTimeout=120000"), proxy),
                    received));
            awaitStreaming(slot);
            insertRange(table, 1, 5);
            received.await(5);
            int pid = slot(slot).activePid();

            long closedAt = System.nanoTime();
            proxy.closeOpenConnections(reset);
            Await.until("a new replication connection, the closed one noticed at its end", Duration.ofSeconds(30),
                    () -> slot(slot).active() && slot(slot).activePid() != pid);
            // the back-off's first delay (200 ms) and a connect, nowhere near the read timeout
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(15));
            insertRange(table, 6, 10);
            received.awaitMatching("rows 6-10 over the new connection", l -> ids(l).containsAll(range(6, 10)));
        }
    }

    @Test
    void aLostConnectionReachesAnExceptionHandlerOfTheUsersOwnWithItsCause() throws Exception {
        String slot = uniqueSlot("handler");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        ExceptionHandler recorder = new ExceptionHandler() {
            @Override
            public void handleException(Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Throwable exception) {
                handled.add(exception);
            }

            @Override
            public void handleException(String message, Exchange exchange, Throwable exception) {
                handled.add(exception);
            }
        };
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            Received received = new Received();
            String uri = viaProxy(uri(slot, "tables=" + table + "&exceptionHandler=#recorder"), proxy);
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    getContext().getRegistry().bind("recorder", recorder);
                    from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
                }
            });
            awaitStreaming(slot);
            insertRange(table, 1, 3);
            received.await(3);

            proxy.closeOpenConnections(true);
            // Camel's default handler gets one line per attempt; a handler of the user's own gets the exception
            Await.until("the handler told of the lost connection with its SQLException", Duration.ofSeconds(30),
                    () -> handled.stream().anyMatch(SQLException.class::isInstance));
            insertRange(table, 4, 6);
            received.awaitMatching("rows 4-6 over a new connection", l -> ids(l).containsAll(range(4, 6)));
        }
    }

    @Test
    void reconnectDelaysStartAgainAfterEachHealthySession() throws Exception {
        String slot = uniqueSlot("backoff");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received received = new Received();
        // reconnectDelay=200 ms: a session is healthy after 2 s; without the reset the delays would grow 0.2, 0.4,
        // 0.8, 1.6, 3.2, 6.4 s
        start(routeTo(withMaxDelay(uri(slot, "tables=" + table), 20000), received));
        awaitStreaming(slot);
        List<Double> delays = new ArrayList<>();
        for (int round = 1; round <= 6; round++) {
            int row = round;
            int pid = slot(slot).activePid();
            insertRange(table, row, row);
            received.awaitMatching("row " + row, l -> ids(l).contains(row));
            // the session that delivered the row had begun by now: once this much longer, it counts as healthy
            long deliveredAt = System.nanoTime();
            Await.until("session " + round + " streamed for longer than the healthy bound", Duration.ofSeconds(30),
                    () -> System.nanoTime() - deliveredAt > 2_500_000_000L);
            assertThat(pg().queryForObject("SELECT pg_terminate_backend(?, 10000)", Boolean.class, pid)).isTrue();
            double terminatedAt = pg().queryForObject("SELECT extract(epoch FROM clock_timestamp())::float8",
                    Double.class);
            Await.until("the consumer reconnected after termination " + round, Duration.ofSeconds(30),
                    () -> slot(slot).active() && slot(slot).activePid() != pid);
            double startedAt = pg().queryForObject("SELECT extract(epoch FROM backend_start)::float8"
                    + " FROM pg_stat_activity WHERE pid = ?", Double.class, slot(slot).activePid());
            delays.add(startedAt - terminatedAt);
        }
        // each reconnect waits the initial 200 ms again plus a connect; without the reset the fifth and sixth would
        // wait 3.2 and 6.4 s
        assertThat(delays).as("seconds from each termination to the next replication connection")
                .allMatch(delay -> delay < 2.5);
        received.awaitMatching("rows 1-6", l -> ids(l).containsAll(range(1, 6)));
    }

    @Test
    void aStandbyInstancePollsTheBusySlotAtTheSteadyDelayAndTakesOverQuickly() throws Exception {
        String slot = uniqueSlot("standby");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Received first = new Received();
        Received second = new Received();
        CamelContext active = start(routeTo(uri(slot, "tables=" + table), first));
        awaitStreaming(slot);
        int activePid = slot(slot).activePid();
        try (TcpProxy proxy = new TcpProxy(pg().host(), pg().port(), Duration.ofMinutes(3))) {
            // the standby goes through the proxy, which counts its connection attempts
            start(routeTo(withMaxDelay(viaProxy(uri(slot, "tables=" + table), proxy), 20000), second));
            long since = System.nanoTime();
            long until = since + POLL_WINDOW_NANOS;
            List<Long> polls = Await.until("the standby polled the busy slot for 8 s", Duration.ofSeconds(30),
                    proxy::acceptedNanos, l -> !l.isEmpty() && l.get(l.size() - 1) > until);
            // every reconnectDelay (200 ms) plus a connect: 38 in 8 s here, still 12 at 470 ms a connect; exponential
            // back-off (0.2, 0.4, 0.8, 1.6, 3.2, 6.4 s) connects 7 times, and a slow machine only makes that fewer
            assertThat(polls.stream().filter(at -> at >= since && at <= until).count())
                    .as("connection attempts of the standby in 8 s").isGreaterThanOrEqualTo(12);

            insertRange(table, 1, 10);
            first.await(10);
            active.stop();
            contexts.remove(active);
            // polling every 200 ms, the standby takes over at once; 15 s only allows for a loaded machine, and still
            // fails a slot held until the server's wal_sender_timeout (60 s) or a standby backed off to 20 s
            Await.until("the standby took the slot over", Duration.ofSeconds(15),
                    () -> slot(slot).active() && slot(slot).activePid() != activePid);
            insertRange(table, 11, 20);
            second.awaitMatching("rows 11-20 on the standby", l -> ids(l).containsAll(range(11, 20)));
        }
    }

    /** How many slot monitor sessions the server has from these client ports. */
    private int slotMonitorsVia(Set<Integer> ports) {
        if (ports.isEmpty()) {
            return 0;
        }
        return pg().queryForObject("SELECT count(*)::int FROM pg_stat_activity WHERE application_name ="
                + " 'pgcdc slot monitor' AND client_port IN (" + ports.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")", Integer.class);
    }

    private void awaitHealth(CamelContext context, HealthCheck.State state) {
        Await.until("consumer health " + state, Duration.ofSeconds(30), () -> OperationsTest.consumerHealth(context),
                r -> r.isPresent() && r.get().getState() == state);
    }

    private String viaProxy(String uri, TcpProxy proxy) {
        String direct = "&port=" + pg().port() + "&";
        assertThat(uri).contains(direct);
        return uri.replace(direct, "&port=" + proxy.port() + "&");
    }

    private static String withMaxDelay(String uri, long millis) {
        assertThat(uri).contains("&reconnectMaxDelay=1000&");
        return uri.replace("&reconnectMaxDelay=1000&", "&reconnectMaxDelay=" + millis + "&");
    }

    private static RouteBuilder routeTo(String uri, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }

    private void insertRange(String table, int from, int to) {
        pg().execute("INSERT INTO " + table + " SELECT g FROM generate_series(" + from + ", " + to + ") g");
    }

    private static Set<Object> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toSet());
    }

    private static Set<Object> ids(List<ChangeEvent> events) {
        return events.stream().map(e -> e.getAfter().get("id")).collect(Collectors.toSet());
    }
}
