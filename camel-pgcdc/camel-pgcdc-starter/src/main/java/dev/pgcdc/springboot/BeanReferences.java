package dev.pgcdc.springboot;

import org.springframework.context.ApplicationContext;

/** Resolves a bean reference written in a property ({@code #bean:name} or {@code #name}), as Camel's starters do. */
public final class BeanReferences {

    private BeanReferences() {
    }

    /**
     * @param property the property's prefix, for the message when the value is not a reference
     * @return the bean of that name and type
     */
    public static Object resolve(ApplicationContext applicationContext, String property, Object value, Class<?> type) {
        if (value == null) {
            return null;
        }
        String reference = value.toString();
        if (!reference.startsWith("#")) {
            throw new IllegalArgumentException(property + ": '" + reference + "' is not a bean reference; name a bean"
                    + " of type " + type.getName() + " as #bean:name");
        }
        String name = reference.startsWith("#bean:") ? reference.substring("#bean:".length()) : reference.substring(1);
        return applicationContext.getBean(name, type);
    }
}
