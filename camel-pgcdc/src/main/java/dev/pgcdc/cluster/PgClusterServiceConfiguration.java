package dev.pgcdc.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.TimeUtils;

/**
 * Camel Main's way in: {@code camel.main.configurationClasses=dev.pgcdc.cluster.PgClusterServiceConfiguration} adds a
 * {@link PgClusterService} configured from the {@code camel.cluster.pgcdc.*} properties (its setters' names), before
 * the routes are created, as {@code master:} needs.
 */
public class PgClusterServiceConfiguration implements CamelConfiguration {

    static final String PREFIX = "camel.cluster.pgcdc.";
    /** Options that are milliseconds, written as durations like the component's ({@code 10s}; a plain number is ms). */
    private static final List<String> DURATIONS = List.of("connecttimeout", "checkinterval", "sessiontimeout");

    @Override
    public void configure(CamelContext context) throws Exception {
        Properties properties = context.getPropertiesComponent().loadProperties();
        Map<String, Object> options = new HashMap<>();
        // keySet, not forEach: Camel's ordered Properties keep their entries outside the Hashtable forEach walks
        for (Object key : properties.keySet()) {
            if (((String) key).startsWith(PREFIX)) {
                String option = ((String) key).substring(PREFIX.length());
                String value = properties.getProperty((String) key);
                options.put(option, DURATIONS.contains(option.toLowerCase(Locale.ROOT)) ? millis(option, value) : value);
            }
        }
        PgClusterService service = new PgClusterService();
        PropertyBindingSupport.build().withCamelContext(context).withTarget(service).withProperties(options)
                .withMandatory(true).withIgnoreCase(true).bind();
        context.addService(service);
    }

    private static long millis(String option, String value) {
        try {
            return TimeUtils.toMilliSeconds(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid value '" + value + "' for " + PREFIX + option + ": write a"
                    + " duration, e.g. 10s or 500ms (a plain number is milliseconds)", e);
        }
    }
}
