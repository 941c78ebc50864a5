package dev.pgcdc.runner;

import dev.pgcdc.embedded.PostgresCluster;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: when no source database is configured ({@value #HOST} unset), starts a private PostgreSQL
 * with the demo schema and workload and points the {@code pgcdc.*} properties at it, before the routes are built;
 * stops and deletes it after Camel has stopped. Public so any Camel Main application (the samples) can offer the
 * same zero-configuration start: {@code main.addMainListener(new EmbeddedSource())}.
 */
public final class EmbeddedSource extends MainListenerSupport {

    public static final String HOST = "pgcdc.host";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSource.class);

    private PostgresCluster cluster;
    private DemoWorkload workload;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        if (properties.resolveProperty(HOST).isPresent()) {
            return;
        }
        LOG.info("No source database configured ({} / PGCDC_HOST): starting an embedded PostgreSQL with a demo"
                 + " workload on tables {}", HOST, DemoSchema.TABLES);
        cluster = PostgresCluster.builder().start();
        DemoSchema.create(cluster);
        workload = DemoWorkload.start(cluster);
        // override properties: they win over application.properties and the runner's defaults
        properties.addOverrideProperty(HOST, cluster.host());
        properties.addOverrideProperty("pgcdc.port", Integer.toString(cluster.port()));
        properties.addOverrideProperty("pgcdc.database", "postgres");
        properties.addOverrideProperty("pgcdc.user", cluster.superuser());
        properties.addOverrideProperty("pgcdc.password", cluster.superuserPassword());
        properties.addOverrideProperty("pgcdc.tables", DemoSchema.TABLES);
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        // the workload first: it would fail noisily writing to a stopped server
        if (workload != null) {
            workload.stop();
        }
        if (cluster != null) {
            cluster.stop();
            LOG.info("Embedded PostgreSQL stopped and deleted");
        }
    }
}
