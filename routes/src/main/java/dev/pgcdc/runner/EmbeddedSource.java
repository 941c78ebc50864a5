package dev.pgcdc.runner;

import dev.pgcdc.embedded.PostgresServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: when no source database is configured ({@value #HOST} unset), starts the
 * {@link DemoDatabase} and points the {@code pgcdc.*} properties at it, before the routes are built. Public so any
 * Camel Main application (the samples) can offer the same zero-configuration start:
 * {@code main.addMainListener(new EmbeddedSource())}.
 */
public final class EmbeddedSource extends MainListenerSupport {

    public static final String HOST = "pgcdc.host";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSource.class);

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        if (properties.resolveProperty(HOST).isPresent()) {
            return;
        }
        LOG.info("No source database configured ({} / PGCDC_HOST): starting an embedded PostgreSQL with a demo"
                 + " workload on tables {}", HOST, DemoSchema.TABLES);
        DemoDatabase database = DemoDatabase.launch();
        try {
            // stopped with the context, after the routes
            main.getCamelContext().addService(database, true, true);
        } catch (Exception e) {
            database.stop();
            throw new IllegalStateException("cannot register the embedded database with Camel", e);
        }
        PostgresServer server = database.server();
        // override properties: they win over application.properties and the runner's defaults
        properties.addOverrideProperty(HOST, server.host());
        properties.addOverrideProperty("pgcdc.port", Integer.toString(server.port()));
        properties.addOverrideProperty("pgcdc.database", "postgres");
        properties.addOverrideProperty("pgcdc.user", server.superuser());
        properties.addOverrideProperty("pgcdc.password", server.superuserPassword());
        properties.addOverrideProperty("pgcdc.tables", DemoSchema.TABLES);
    }
}
