package dev.pgcdc;

import java.util.regex.Pattern;

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
public class PgCdcEndpoint extends DefaultEndpoint {

    /** PostgreSQL's own rule for replication slot names. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    @UriParam
    private final PgCdcConfiguration configuration;

    PgCdcEndpoint(String uri, PgCdcComponent component, PgCdcConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("pgcdc: is a consumer-only endpoint: use it in from(...)");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        validate();
        PgCdcConsumer consumer = new PgCdcConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    private void validate() {
        String slot = configuration.getSlotName();
        if (slot == null || !SLOT_NAME.matcher(slot).matches()) {
            throw new IllegalArgumentException("Invalid replication slot name '" + slot + "' in pgcdc:" + slot
                    + ": PostgreSQL allows 1 to 63 lower-case letters, digits and underscores, e.g. pgcdc:orders_slot");
        }
        if (configuration.getDatabase() == null || configuration.getDatabase().isBlank()) {
            throw new IllegalArgumentException("pgcdc:" + slot + " needs the database option, e.g. pgcdc:" + slot
                    + "?host=db.example.com&database=shop");
        }
        if (configuration.getMaxInflight() < 1) {
            throw new IllegalArgumentException("maxInflight must be at least 1, was " + configuration.getMaxInflight());
        }
        if (configuration.getConcurrentConsumers() < 1) {
            throw new IllegalArgumentException("concurrentConsumers must be at least 1, was "
                    + configuration.getConcurrentConsumers() + ": 1 delivers in commit order on one thread, more"
                    + " spread changes over that many threads by table and key");
        }
        configuration.decodingOptions(); // option values and combinations: fail at route start, not on connect

    }

    public PgCdcConfiguration getConfiguration() {
        return configuration;
    }
}
