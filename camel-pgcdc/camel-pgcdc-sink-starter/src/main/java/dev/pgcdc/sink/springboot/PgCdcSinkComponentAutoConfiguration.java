package dev.pgcdc.sink.springboot;

import dev.pgcdc.sink.PgCdcSinkComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Applies {@code camel.component.pgcdc-sink.*} to the pgcdc-sink component through a {@link ComponentCustomizer}, as
 * Camel's own starters do: off with {@code camel.component.pgcdc-sink.enabled=false}, the customizer off with
 * {@code camel.component.pgcdc-sink.customizer.enabled=false} (or {@code camel.component.customizer.enabled=false}).
 */
@AutoConfiguration(after = {CamelAutoConfiguration.class, PgCdcSinkComponentConverter.class})
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ComponentConfigurationProperties.class, PgCdcSinkComponentConfiguration.class})
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.pgcdc-sink"})
public class PgCdcSinkComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final CamelContext camelContext;
    private final PgCdcSinkComponentConfiguration configuration;

    public PgCdcSinkComponentAutoConfiguration(ApplicationContext applicationContext, CamelContext camelContext,
                                               PgCdcSinkComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.camelContext = camelContext;
        this.configuration = configuration;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configurePgCdcSinkComponent() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(camelContext, configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        "camel.component.pgcdc-sink.customizer") && target instanceof PgCdcSinkComponent;
            }
        };
    }
}
