package dev.pgcdc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The service configured the Camel Main way, with properties only. */
class PgClusterServiceMainTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @TempDir
    Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void camelMainPropertiesConfigureTheServiceAndTheMasterRouteStreams() throws Exception {
        String slot = uniqueSlot("main");
        pg().execute("CREATE TABLE " + slot + "_t (id int PRIMARY KEY)");
        Main main = new Main();
        Path properties = dir.resolve("application.properties");
        Files.writeString(properties, String.join("\n",
                "camel.main.configurationClasses = dev.pgcdc.cluster.PgClusterServiceConfiguration",
                "camel.cluster.pgcdc.id = main-instance",
                "camel.cluster.pgcdc.host = " + pg().host(),
                "camel.cluster.pgcdc.port = " + pg().port(),
                "camel.cluster.pgcdc.database = postgres",
                "camel.cluster.pgcdc.user = " + pg().superuser(),
                "camel.cluster.pgcdc.sslMode = disable",
                "camel.cluster.pgcdc.checkInterval = 200"));
        main.setDefaultPropertyPlaceholderLocation("file:" + properties);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + slot + ":" + uri(slot, "tables=" + slot + "_t")).to("log:changes");
            }
        });
        main.start();
        try {
            awaitStreaming(slot);
            assertThat(main.getCamelContext().hasService(PgClusterService.class)).isNotNull();
            Await.until("the lock held by main-instance", Duration.ofSeconds(10), () -> pg().queryForObject(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                            + " AND l.mode = 'ExclusiveLock' AND a.application_name = 'pgcdc-cluster main-instance'",
                    Long.class) == 1);
        } finally {
            main.stop();
        }
        Await.until("the lock released on stop", Duration.ofSeconds(10), () -> pg().queryForObject(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", Long.class) == 0);
    }
}
