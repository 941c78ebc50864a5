package dev.pgcdc.sink;

import java.time.Duration;

import dev.pgcdc.option.OptionValues;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Applies pgcdc change events (bodies of {@code pgcdc:} exchanges) to tables of a target database, PostgreSQL or
 * MariaDB/MySQL, idempotently: an exchange completes only once its change is committed in the target, and changes
 * redelivered after a crash leave the target as if applied once.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgcdc-sink", title = "PostgreSQL CDC Sink", syntax = "pgcdc-sink:name",
             producerOnly = true, remote = true, category = {Category.DATABASE})
public class PgCdcSinkEndpoint extends DefaultEndpoint {

    @UriParam
    private final PgCdcSinkConfiguration configuration;
    private SinkRules rules;
    private TargetDatabase database;

    PgCdcSinkEndpoint(String uri, PgCdcSinkComponent component, PgCdcSinkConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    /** Checks the options once, so a bad value fails when the endpoint is created, not on the first exchange. */
    @Override
    protected void doInit() throws Exception {
        super.doInit();
        rules = SinkRules.of(configuration);
        if (configuration.getBatchSize() < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + configuration.getBatchSize());
        }
        OptionValues.duration("batchTimeout", configuration.getBatchTimeout(), Duration.ZERO);
        database = TargetDatabase.of(configuration);
    }

    @Override
    public Producer createProducer() {
        return new PgCdcSinkProducer(this, database, rules);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("pgcdc-sink: is a producer-only endpoint: use it in to(...)");
    }

    public PgCdcSinkConfiguration getConfiguration() {
        return configuration;
    }
}
