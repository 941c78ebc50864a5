package dev.pgcdc.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;

/**
 * Camel Main's way in: {@code camel.main.configurationClasses=dev.pgcdc.cluster.PgClusterServiceConfiguration} adds a
 * {@link PgClusterService} configured from the {@code camel.cluster.pgcdc.*} properties (its setters' names), before
 * the routes are created, as {@code master:} needs.
 */
public class PgClusterServiceConfiguration implements CamelConfiguration {

    static final String PREFIX = "camel.cluster.pgcdc.";

    @Override
    public void configure(CamelContext context) throws Exception {
        Properties properties = context.getPropertiesComponent().loadProperties();
        Map<String, Object> options = new HashMap<>();
        // keySet, not forEach: Camel's ordered Properties keep their entries outside the Hashtable forEach walks
        for (Object key : properties.keySet()) {
            if (((String) key).startsWith(PREFIX)) {
                options.put(((String) key).substring(PREFIX.length()), properties.getProperty((String) key));
            }
        }
        PgClusterService service = new PgClusterService();
        PropertyBindingSupport.build().withCamelContext(context).withTarget(service).withProperties(options)
                .withMandatory(true).withIgnoreCase(true).bind();
        context.addService(service);
    }
}
