package dev.pgcdc.benchmark;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

import dev.pgcdc.benchmark.probe.ProbeArgs;
import dev.pgcdc.cluster.PgClusterService;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One instance of a clustered pgcdc application in a JVM of its own, as the README's "High availability" section
 * sets it up: {@code master:<namespace>:pgcdc:...} elected by {@link PgClusterService} with its default check interval
 * and session timeout. For each change its route prints {@code DELIVERED <id> <epoch µs>} (the row's id and when the
 * route received it) before the exchange completes, so every change the instance acknowledged was printed; when it is
 * elected it prints {@code LEADER <epoch µs>}. Runs until killed.
 *
 * <p>Arguments: {@code host port user database slot publication table instance}.
 */
public final class ClusteredInstance {

    static final String DELIVERED = "DELIVERED ";
    static final String LEADER = "LEADER ";
    /** The {@code master:} namespace: one leader among the instances. */
    static final String NAMESPACE = "takeover";

    private ClusteredInstance() {
    }

    public static void main(String[] argv) throws Exception {
        ProbeArgs args = new ProbeArgs(argv);
        PgClusterService cluster = new PgClusterService();
        cluster.setId(args.get("instance"));
        cluster.setHost(args.get("host"));
        cluster.setPort(args.getInt("port"));
        cluster.setDatabase(args.get("database"));
        cluster.setUser(args.get("user"));
        cluster.setPassword(args.password());
        String uri = "master:" + NAMESPACE + ":pgcdc:" + args.get("slot") + "?host=" + args.get("host") + "&port="
                + args.get("port") + "&database=" + args.get("database") + "&user=" + args.get("user")
                + "&password=RAW(" + args.password() + ")&publication=" + args.get("publication")
                + "&tables=" + args.get("table") + "&snapshotMode=never";
        CamelContext camel = new DefaultCamelContext();
        camel.addService(cluster);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("takeover").process(exchange -> {
                    ChangeEvent event = exchange.getIn().getBody(ChangeEvent.class);
                    // System.out flushes each line: it is in the pipe before the exchange completes
                    System.out.println(DELIVERED + event.getAfter().get("id") + " " + nowMicros());
                });
            }
        });
        camel.start();
        cluster.getView(NAMESPACE).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
            if (leader != null && leader.isLocal()) {
                System.out.println(LEADER + nowMicros());
            }
        });
        new CountDownLatch(1).await();
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
