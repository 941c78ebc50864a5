package dev.pgcdc.sink.springboot;

import java.util.Set;

import javax.sql.DataSource;

import dev.pgcdc.sink.PgCdcSinkConfiguration;
import dev.pgcdc.springboot.BeanReferences;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.ApplicationContext;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Binds the object-valued options (a target {@code DataSource}, a {@code PgCdcSinkConfiguration}) to beans named in
 * the properties, e.g. {@code camel.component.pgcdc-sink.data-source=#bean:replica}, as Camel's starters do.
 */
@AutoConfiguration
@ConfigurationPropertiesBinding
public class PgCdcSinkComponentConverter implements GenericConverter {

    private final ApplicationContext applicationContext;

    public PgCdcSinkComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, DataSource.class),
                new ConvertiblePair(String.class, PgCdcSinkConfiguration.class));
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        return BeanReferences.resolve(applicationContext, "camel.component.pgcdc-sink", source, targetType.getType());
    }
}
