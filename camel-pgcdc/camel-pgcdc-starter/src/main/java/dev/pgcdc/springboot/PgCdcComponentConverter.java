package dev.pgcdc.springboot;

import java.util.Set;

import dev.pgcdc.PgCdcConfiguration;
import org.apache.camel.spi.StateRepository;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Binds the object-valued options (a {@code PgCdcConfiguration}, a snapshot {@code StateRepository}) to beans named
 * in the properties, e.g. {@code camel.component.pgcdc.snapshot-state-repository=#bean:snapshotState}, as Camel's
 * starters do.
 */
@AutoConfiguration
@ConfigurationPropertiesBinding
public class PgCdcComponentConverter implements GenericConverter {

    private final ApplicationContext applicationContext;

    public PgCdcComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, PgCdcConfiguration.class),
                new ConvertiblePair(String.class, StateRepository.class));
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        return BeanReferences.resolve(applicationContext, "camel.component.pgcdc", source, targetType.getType());
    }
}
