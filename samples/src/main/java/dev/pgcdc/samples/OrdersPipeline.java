package dev.pgcdc.samples;

import java.io.File;

import dev.pgcdc.PgCdcComponent;
import dev.pgcdc.PgCdcConfiguration;
import dev.pgcdc.PgCdcConstants;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Order changes to a JSON Lines file of order summaries, showing four things a production route needs:
 * <ol>
 * <li>programmatic configuration of the component (no URI options),</li>
 * <li>a custom processor ({@link OrderSummary}),</li>
 * <li>a dead-letter channel: a change that keeps failing is parked as JSON and the stream moves on,</li>
 * <li>an idempotent consumer keyed by the change's id ({@code CamelPgCdcId}, the same on a redelivery), so a
 *     change redelivered after a crash (pgcdc delivers at least once) is written once.</li>
 * </ol>
 */
public class OrdersPipeline extends RouteBuilder {

    /** Receives every order change; tests send duplicates here. */
    static final String ORDERS = "direct:orders";

    @Override
    public void configure() {
        configureConnection(getContext().getComponent("pgcdc", PgCdcComponent.class).getConfiguration());

        errorHandler(deadLetterChannel("direct:dead-letter").maximumRedeliveries(3).redeliveryDelay(200)
                .retryAttemptedLogLevel(LoggingLevel.WARN));

        from("pgcdc:{{sample.slot:orders_pipeline}}").routeId("capture")
                .filter(header(PgCdcConstants.OPERATION).in("c", "u"))
                .to(ORDERS);

        from(ORDERS).routeId("orders")
                // the change's id is unique to it and the same when it is delivered again (its LSN is not unique)
                .idempotentConsumer(header(PgCdcConstants.ID), seenChanges())
                .process(new OrderSummary())
                .marshal().json()
                .to("file:{{sample.dir:target/orders}}?fileName=orders.jsonl&fileExist=Append&appendChars=\\n");

        from("direct:dead-letter").routeId("dead-letter")
                .marshal().json()
                .to("file:{{sample.dir:target/orders}}/dead-letters?fileName=${header." + PgCdcConstants.TABLE
                        + "}-${exchangeId}.json");
    }

    /** The connection, from properties with defaults, set once on the component for all its endpoints. */
    private void configureConnection(PgCdcConfiguration connection) {
        connection.setHost(property("pgcdc.host", "localhost"));
        connection.setPort(Integer.parseInt(property("pgcdc.port", "5432")));
        connection.setDatabase(property("pgcdc.database", "postgres"));
        connection.setUser(property("pgcdc.user", "postgres"));
        connection.setPassword(property("pgcdc.password", null));
        connection.setTables(property("sample.tables", "public.orders"));
    }

    private String property(String name, String defaultValue) {
        return getContext().getPropertiesComponent().resolveProperty(name).orElse(defaultValue);
    }

    /** Keys of the changes written so far, kept in a file so that they survive a restart. */
    private IdempotentRepository seenChanges() {
        String dir = getContext().resolvePropertyPlaceholders("{{sample.dir:target/orders}}");
        return FileIdempotentRepository.fileIdempotentRepository(new File(dir, "seen-changes.txt"), 100_000);
    }
}
