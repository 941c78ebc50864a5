package dev.pgcdc.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same takeover with Camel's ZooKeeper cluster service, against a real ZooKeeper server started here. */
class ZooKeeperClusterServiceTest extends ClusterTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    /** ZooKeeper's tick: sessions may last 2 to 20 ticks, so the instances' 4 s session is allowed. */
    private static final int TICK_MILLIS = 200;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void theOtherInstanceTakesOverWhenTheActiveOneIsKilled() throws Exception {
        ZooKeeperServer zookeeper = new ZooKeeperServer(dir.resolve("zk").toFile(), dir.resolve("zk").toFile(), TICK_MILLIS);
        ServerCnxnFactory connections = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 20);
        connections.startup(zookeeper);
        try {
            // the killed instance's ZooKeeper session must expire (4 s) before the other may lead
            killTheActiveInstance("zk:127.0.0.1:" + connections.getLocalPort(), Duration.ofSeconds(40));
        } finally {
            connections.shutdown();
            zookeeper.shutdown();
        }
    }
}
