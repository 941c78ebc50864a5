package dev.pgcdc.option;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.camel.spi.UriParam;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.TimeUtils;

/**
 * Checks of option values shared by the components, with messages that name the option, the bad value and what is
 * accepted. Durations are written as Camel reads them: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1h30m} or
 * ISO-8601 ({@code PT90S}); a plain number is milliseconds.
 */
public final class OptionValues {

    private static final Pattern ISO = Pattern.compile("-?P.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern ZERO = Pattern.compile("0+\\s*[a-z]*", Pattern.CASE_INSENSITIVE);

    private OptionValues() {
    }

    /**
     * Reads the URI's enum and duration values before Camel binds them, so a bad one fails naming the option, the
     * value and what is accepted. An enum value is its constant's name or the spelling the option documents (e.g.
     * {@code verify-full}, {@code softDelete}), in any case. A duration is checked here because Camel reads text it
     * does not recognise as zero: {@code heartbeatInterval=often} would silently turn heartbeats off.
     *
     * @param parameters    the URI's options, before they are bound; enum values are replaced by their constants
     * @param configuration the class whose {@link UriParam} fields declare the options
     */
    public static void check(Map<String, Object> parameters, Class<?> configuration) {
        for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
            Field field = option(configuration, parameter.getKey());
            if (field == null || !(parameter.getValue() instanceof String text)) {
                continue;
            }
            if (field.getType().isEnum()) {
                parameter.setValue(constant(field, text));
            } else if (Duration.class.getName().equals(field.getAnnotation(UriParam.class).javaType())
                       && !readable(text.strip())) {
                throw new IllegalArgumentException("Invalid value '" + text + "' for option " + field.getName()
                        + ": write a duration such as 500ms, 5s, 1m or 1h30m (a plain number is milliseconds)");
            }
        }
    }

    private static Object constant(Field field, String text) {
        String value = text.strip();
        Object[] constants = field.getType().getEnumConstants();
        for (Object constant : constants) {
            String name = ((Enum<?>) constant).name();
            if (name.equalsIgnoreCase(value) || constant.toString().equalsIgnoreCase(value)
                || name.equals(StringHelper.asEnumConstantValue(value))) {
                return constant;
            }
        }
        String enums = field.getAnnotation(UriParam.class).enums();
        String accepted = enums.isEmpty() ? Arrays.stream(constants).map(String::valueOf).collect(Collectors.joining(", "))
                : enums.replace(",", ", ");
        throw new IllegalArgumentException("Invalid value '" + text + "' for option " + field.getName()
                + ": use one of " + accepted);
    }

    /** An ISO-8601 duration (as Camel reads it), zero spelled with a unit, or text Camel reads as not zero. */
    private static boolean readable(String text) {
        try {
            if (ISO.matcher(text).matches()) {
                Duration.parse(text);
                return true;
            }
            return !TimeUtils.toDuration(text).isZero() || ZERO.matcher(text).matches();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A duration option's value, checked.
     *
     * @param millis the option's value as Camel converted it
     * @param min    the least value allowed
     */
    public static Duration duration(String option, long millis, Duration min) {
        if (millis < min.toMillis()) {
            throw new IllegalArgumentException("Invalid value " + millis + "ms for option " + option
                    + ": it must be at least " + min.toMillis() + "ms");
        }
        return Duration.ofMillis(millis);
    }

    private static Field option(Class<?> configuration, String name) {
        return Arrays.stream(configuration.getDeclaredFields())
                .filter(field -> field.getName().equalsIgnoreCase(name) && field.isAnnotationPresent(UriParam.class))
                .findFirst().orElse(null);
    }
}
