package dev.pgcdc;

import java.util.Map;

import dev.pgcdc.option.OptionValues;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** The {@code pgcdc:} component: PostgreSQL change data capture over logical replication. */
@Component("pgcdc")
public class PgCdcComponent extends DefaultComponent {

    @Metadata(description = "Default options for every pgcdc endpoint of this component.")
    private PgCdcConfiguration configuration = new PgCdcConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgCdcConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setSlotName(remaining);
        PgCdcEndpoint endpoint = new PgCdcEndpoint(uri, this, endpointConfiguration);
        OptionValues.check(parameters, PgCdcConfiguration.class);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public PgCdcConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgCdcConfiguration configuration) {
        this.configuration = configuration;
    }
}
