package dev.pgcdc;

import dev.pgcdc.pg.SourceTables;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Streams row changes of a PostgreSQL database through logical replication, one exchange per change, and
 * acknowledges them to the server only once their exchanges have completed.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgcdc", title = "PostgreSQL CDC", syntax = "pgcdc:slotName",
             consumerOnly = true, remote = true, category = {Category.DATABASE},
             headersClass = PgCdcConstants.class)
public class PgCdcEndpoint extends DefaultEndpoint implements SourceTables.Origin {

    @UriParam
    private final PgCdcConfiguration configuration;
    private PgCdcOptions options;
    /** Its consumer's, once started; kept after it stops, for its exchanges still on their way. */
    private volatile SourceTables sourceTables;

    PgCdcEndpoint(String uri, PgCdcComponent component, PgCdcConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("pgcdc: is a consumer-only endpoint: use it in from(...)");
    }

    /** Checks the options once, so a bad value fails when the endpoint is created rather than on connect. */
    @Override
    protected void doInit() throws Exception {
        super.doInit();
        options = PgCdcOptions.of(configuration);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        PgCdcConsumer consumer = new PgCdcConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The checked options; set when the endpoint is initialised. */
    public PgCdcOptions options() {
        return options;
    }

    @Override
    public SourceTables sourceTables() {
        return sourceTables;
    }

    void sourceTables(SourceTables sourceTables) {
        this.sourceTables = sourceTables;
    }

    public PgCdcConfiguration getConfiguration() {
        return configuration;
    }
}
