package dev.pgcdc.runner;

import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.IOHelper;

/**
 * Environment variables ({@code PGCDC_PORT} for {@code pgcdc.port}) and system properties as a properties source
 * ahead of the property files, so they override those but not the override properties, where the runner puts its
 * {@code key=value} arguments. Camel's own lookup (mode OVERRIDE) reads them before the override properties, which
 * would let an exported variable beat what the command line says.
 */
record EnvironmentProperties(String name, int order, UnaryOperator<String> lookup) implements PropertiesSource, Ordered {

    /** Replaces Camel's lookup of environment variables and system properties in the context's placeholders. */
    static void install(CamelContext context) {
        PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        // environment before system properties, as Camel's lookup had them
        properties.addPropertiesSource(new EnvironmentProperties("env", Ordered.HIGHEST,
                IOHelper::lookupEnvironmentVariable));
        properties.addPropertiesSource(new EnvironmentProperties("sys", Ordered.HIGHEST + 1, System::getProperty));
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getProperty(String key) {
        return lookup.apply(key);
    }

    @Override
    public int getOrder() {
        return order;
    }
}
