package dev.pgcdc.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.zookeeper.cluster.ZooKeeperClusterService;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One instance of a clustered pgcdc application in a JVM of its own, for tests that kill it: runs
 * {@code master:<slot>:<pgcdc uri>} for each {@code slot=uri} argument, elected by the PostgreSQL cluster service
 * ({@code pg}) or by ZooKeeper ({@code zk:<host:port>}). Each delivered change is written to the table
 * {@code delivered (slot, id, change_id, instance)} before its exchange completes, so every acknowledged change has
 * its row there. Runs until killed.
 * <p>
 * Arguments: coordinator, instance name, PostgreSQL host, port, user, then {@code slot=uri}...
 */
public final class ClusterChild {

    private ClusterChild() {
    }

    public static void main(String[] args) throws Exception {
        String coordinator = args[0];
        String instance = args[1];
        String host = args[2];
        int port = Integer.parseInt(args[3]);
        String user = args[4];
        Properties props = new Properties();
        props.setProperty("user", user);
        Connection delivered = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", props);
        PreparedStatement insert = delivered.prepareStatement(
                "INSERT INTO delivered (slot, id, change_id, instance) VALUES (?, ?, ?, ?)");

        CamelContext context = new DefaultCamelContext();
        context.addService(clusterService(coordinator, instance, host, port, user));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 5; i < args.length; i++) {
                    String slot = args[i].substring(0, args[i].indexOf('='));
                    String uri = args[i].substring(slot.length() + 1);
                    from("master:" + slot + ":" + uri).routeId(slot).process(e -> {
                        ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                        synchronized (insert) {
                            insert.setString(1, slot);
                            insert.setInt(2, (Integer) event.getAfter().get("id"));
                            insert.setString(3, event.getId());
                            insert.setString(4, instance);
                            insert.executeUpdate();
                        }
                    });
                }
            }
        });
        context.start();
        System.out.println("STARTED " + instance);
        new CountDownLatch(1).await();
    }

    private static CamelClusterService clusterService(String coordinator, String instance, String host, int port,
                                                      String user) {
        if (coordinator.startsWith("zk:")) {
            ZooKeeperClusterService zookeeper = new ZooKeeperClusterService();
            zookeeper.setId(instance);
            zookeeper.setNodes(coordinator.substring(3));
            zookeeper.setBasePath("/pgcdc");
            zookeeper.setSessionTimeout(4000);
            zookeeper.setConnectTimeout(4000);
            return zookeeper;
        }
        PgClusterService postgres = new PgClusterService();
        postgres.setId(instance);
        postgres.setHost(host);
        postgres.setPort(port);
        postgres.setDatabase("postgres");
        postgres.setUser(user);
        postgres.setCheckInterval(500);
        postgres.setSessionTimeout(6000);
        return postgres;
    }
}
