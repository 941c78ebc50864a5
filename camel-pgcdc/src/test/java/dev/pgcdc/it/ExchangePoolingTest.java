package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pgcdc.PgCdcConstants;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.PooledExchangeFactory;
import org.apache.camel.impl.engine.PooledProcessorExchangeFactory;
import org.apache.camel.spi.ExchangeFactoryManager;
import org.apache.camel.spi.PooledObjectFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Camel's exchange pooling ({@code camel.main.exchangeFactory=pooled}): the consumer gives every exchange back to its
 * factory once the route finished with it, and a reused exchange carries nothing of the change it carried before.
 */
class ExchangePoolingTest extends DefaultClusterTest {

    private static final int ROWS = 3000;
    private static final String SEEN = "pooling-test-seen";

    @ParameterizedTest(name = "concurrentConsumers={0}")
    @ValueSource(ints = {1, 4})
    void pooledExchangesAreReusedAndCarryOnlyTheirOwnChange(int lanes) throws Exception {
        String slot = uniqueSlot("pooled" + lanes);
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)");
        Map<Integer, String> delivered = new ConcurrentHashMap<>();
        List<String> mismatches = new ArrayList<>();

        CamelContext context = pooledContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&concurrentConsumers=" + lanes)).process(e -> {
                    String mismatch = mismatch(e);
                    if (mismatch != null) {
                        synchronized (mismatches) {
                            mismatches.add(mismatch);
                        }
                    }
                    e.setProperty(SEEN, true);
                    e.getIn().setHeader(SEEN, true);
                    ChangeEvent change = e.getIn().getBody(ChangeEvent.class);
                    delivered.put((Integer) change.getAfter().get("id"), (String) change.getAfter().get("v"));
                });
            }
        });
        context.start();
        ExchangeFactoryManager factories = context.getCamelContextExtension().getExchangeFactoryManager();
        awaitStreaming(slot);

        for (int from = 1; from <= ROWS; from += 500) {
            pg().execute("INSERT INTO " + table + " SELECT g, 'row ' || g FROM generate_series(" + from + ", "
                    + (from + 499) + ") g");
        }
        long written = currentWalLsn();
        Await.until("every row delivered", Duration.ofSeconds(60), () -> delivered.size() == ROWS);
        Await.until("the slot confirmed past the rows", Duration.ofSeconds(30), () -> confirmedFlush(slot) >= written);

        synchronized (mismatches) {
            assertThat(mismatches).as("exchanges carrying another change's headers or properties").isEmpty();
        }
        for (int id = 1; id <= ROWS; id++) {
            assertThat(delivered.get(id)).isEqualTo("row " + id);
        }
        assertThat(factories.getConsumerCounter()).as("consumers whose exchanges are counted").isEqualTo(1);
        PooledObjectFactory.Statistics statistics = Await.until("every exchange given back", Duration.ofSeconds(10),
                factories::getStatistics,
                s -> s.getReleasedCounter() + s.getDiscardedCounter() == s.getCreatedCounter() + s.getAcquiredCounter());
        assertThat(statistics.getAcquiredCounter()).as("exchanges taken again from the pool").isPositive();
        assertThat(statistics.getCreatedCounter() + statistics.getAcquiredCounter())
                .as("exchanges handed to the route").isGreaterThanOrEqualTo(ROWS);
    }

    /**
     * A route whose entry throws instead of failing the exchange (here a route policy's begin hook that throws an
     * Error, which Camel lets out of the route's processor): the change fails, the exchange goes back to the pool all
     * the same, and after the restart every change arrives.
     */
    @ParameterizedTest(name = "concurrentConsumers={0}")
    @ValueSource(ints = {1, 4})
    void anExchangeWhoseHandOverThrowsGoesBackToThePool(int lanes) throws Exception {
        String slot = uniqueSlot("pooled_throw" + lanes);
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        Set<Integer> delivered = ConcurrentHashMap.newKeySet();
        AtomicInteger throwsLeft = new AtomicInteger(3);

        CamelContext context = pooledContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&concurrentConsumers=" + lanes))
                        .routePolicy(new RoutePolicySupport() {
                            @Override
                            public void onExchangeBegin(Route route, Exchange exchange) {
                                if (throwsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                    throw new AssertionError("route policy bug");
                                }
                            }
                        })
                        .process(e -> delivered.add((Integer) e.getIn().getBody(ChangeEvent.class).getAfter().get("id")));
            }
        });
        context.start();
        ExchangeFactoryManager factories = context.getCamelContextExtension().getExchangeFactoryManager();
        awaitStreaming(slot);

        pg().execute("INSERT INTO " + table + " SELECT g FROM generate_series(1, 100) g");
        Await.until("every row delivered after the failures", Duration.ofSeconds(60), () -> delivered.size() == 100);
        assertThat(throwsLeft).hasValue(0);
        PooledObjectFactory.Statistics statistics = Await.until("every exchange given back", Duration.ofSeconds(10),
                factories::getStatistics,
                s -> s.getReleasedCounter() + s.getDiscardedCounter() == s.getCreatedCounter() + s.getAcquiredCounter());
        assertThat(statistics.getCreatedCounter() + statistics.getAcquiredCounter())
                .as("exchanges handed to the route").isGreaterThanOrEqualTo(103);
    }

    /** A context with what camel.main.exchangeFactory=pooled sets; each consumer's factory counts as its parent does. */
    private CamelContext pooledContext() {
        CamelContext context = new DefaultCamelContext();
        PooledExchangeFactory exchangeFactory = new PooledExchangeFactory();
        exchangeFactory.setStatisticsEnabled(true);
        context.getCamelContextExtension().setExchangeFactory(exchangeFactory);
        context.getCamelContextExtension().setProcessorExchangeFactory(new PooledProcessorExchangeFactory());
        context.getShutdownStrategy().setTimeout(20);
        contexts.add(context);
        return context;
    }

    /** What the exchange carries that does not belong to its change, or null. */
    private static String mismatch(Exchange exchange) {
        if (exchange.getProperty(SEEN) != null || exchange.getIn().getHeader(SEEN) != null) {
            return "a property or header of an earlier exchange";
        }
        ChangeEvent change = exchange.getIn().getBody(ChangeEvent.class);
        String lsn = exchange.getIn().getHeader(PgCdcConstants.LSN, String.class);
        if (!change.getLsn().toString().equals(lsn)) {
            return "LSN header " + lsn + " on the change at " + change.getLsn();
        }
        Object key = exchange.getIn().getHeader(PgCdcConstants.KEY);
        if (!change.getKey().equals(key)) {
            return "key header " + key + " on the change keyed " + change.getKey();
        }
        Set<String> headers = exchange.getIn().getHeaders().keySet();
        return headers.contains(PgCdcConstants.TABLE) ? null : "no table header: " + headers;
    }
}
