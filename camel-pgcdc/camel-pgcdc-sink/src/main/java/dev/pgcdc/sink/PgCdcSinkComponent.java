package dev.pgcdc.sink;

import java.util.Map;

import dev.pgcdc.option.OptionValues;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** The {@code pgcdc-sink:} component: applies pgcdc change events to a target database. */
@Component("pgcdc-sink")
public class PgCdcSinkComponent extends DefaultComponent {

    @Metadata(description = "Default options for every pgcdc-sink endpoint of this component.")
    private PgCdcSinkConfiguration configuration = new PgCdcSinkConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PgCdcSinkConfiguration endpointConfiguration = configuration.copy();
        endpointConfiguration.setName(remaining);
        PgCdcSinkEndpoint endpoint = new PgCdcSinkEndpoint(uri, this, endpointConfiguration);
        OptionValues.check(parameters, PgCdcSinkConfiguration.class);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public PgCdcSinkConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgCdcSinkConfiguration configuration) {
        this.configuration = configuration;
    }
}
