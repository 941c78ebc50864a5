package dev.pgcdc.runner;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pgcdc.setup.SetupException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.util.SensitiveUtils;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Why the runner did not start, as one message: Camel wraps the cause (often more than once), and each wrapper
 * repeats its message, so the SQL script of a setup failure, say, would be printed again and again.
 *
 * <p>Neither the message nor {@link #withoutSecrets the failure logged with its stack trace} shows a secret: the value
 * of a property that failed to bind, or of a URI parameter no endpoint knows, is never shown (its key may be a
 * misspelt secret's), and neither is the value of {@code key=value} whose key names a secret, the way Camel masks a
 * URI's.
 */
final class StartFailure {

    static final String MASK = "xxxxxx";
    /** A value after {@code key=}: a RAW one, or up to a space or one of , ; & ) } ]. */
    private static final String VALUE = "(RAW\\([^)]*\\)|RAW\\{[^}]*}|[^\\s,;&)}\\]]*)";
    /** {@code key=value} with a key containing a sensitive one, as URISupport.sanitizeUri finds them. */
    private static final Pattern SENSITIVE_PAIR = Pattern.compile("([\\w.-]*(?:" + SensitiveUtils.getSensitivePattern()
            + ")[\\w.-]*)=" + VALUE, Pattern.CASE_INSENSITIVE);
    /** Camel's list of the parameters an endpoint does not know, a map: "Unknown parameters=[{a=1, b=2}]". */
    private static final Pattern UNKNOWN_PARAMETERS = Pattern.compile("Unknown parameters=\\[\\{(.*)}]", Pattern.DOTALL);
    private static final Pattern MAP_KEY = Pattern.compile("(?:^|, )([^=,\\s]+)=");

    private StartFailure() {
    }

    /** The messages of the cause chain, each once, without the wrappers that only repeat their cause. */
    static String message(Throwable failure) {
        UnaryOperator<String> mask = masking(failure);
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain(failure)) {
            String said = t.getMessage();
            if (said == null || (t.getCause() != null && said.equals(t.getCause().toString()))) {
                continue;
            }
            String shown = mask.apply(ownMessage(t)).strip();
            String trimmed = shown.endsWith(".") ? shown.substring(0, shown.length() - 1) : shown;
            if (!text.toString().contains(trimmed)) {
                text.append(text.isEmpty() ? "" : System.lineSeparator() + "Caused by: ").append(shown);
            }
        }
        return text.isEmpty() ? failure.getClass().getName() : text.toString();
    }

    /**
     * A copy of the failure, its causes and suppressed exceptions to log with their stack traces: the same classes
     * (by name), messages and stack frames, but masked as {@link #message} masks them.
     */
    static Throwable withoutSecrets(Throwable failure) {
        return copy(failure, masking(failure), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * A failure whose message says all a user needs: the database, its setup, an option or a route file. Anything
     * else may be a bug, whose stack trace is worth printing.
     */
    static boolean understood(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof SQLException || t instanceof SetupException || t instanceof IllegalArgumentException
                    || t instanceof ResolveEndpointFailedException || t instanceof PropertyBindingException
                    || t instanceof NoSuchEndpointException || t instanceof YamlEngineException) {
                return true;
            }
        }
        return false;
    }

    /** The failure and its causes, each once (a cause chain may loop). */
    private static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Its message, but a property binding's without the value, which Camel's repeats twice. */
    private static String ownMessage(Throwable t) {
        if (t instanceof PropertyBindingException binding && binding.getPropertyName() != null) {
            String key = binding.getOptionPrefix() != null && binding.getOptionKey() != null
                    ? (binding.getOptionPrefix().endsWith(".") ? binding.getOptionPrefix()
                            : binding.getOptionPrefix() + '.') + binding.getOptionKey()
                    : binding.getPropertyName();
            return "Error binding property " + key + " (value not shown) with name: " + binding.getPropertyName()
                    + " on bean: " + binding.getTarget();
        }
        return t.getMessage();
    }

    /**
     * Masks the value of sensitive key=value pairs and of the parameters an endpoint does not know, and the value of
     * every property binding of the chain wherever it stands alone: the causes of a binding (a type conversion, a
     * setter's check) often quote it.
     */
    private static UnaryOperator<String> masking(Throwable failure) {
        List<Pattern> pairs = new ArrayList<>(List.of(SENSITIVE_PAIR));
        List<Pattern> values = new ArrayList<>();
        for (Throwable t : chain(failure)) {
            if (t instanceof PropertyBindingException binding && binding.getValue() != null
                    && !binding.getValue().toString().isBlank()) {
                values.add(Pattern.compile("(?<!\\w)" + Pattern.quote(binding.getValue().toString()) + "(?!\\w)"));
            }
            Matcher unknown = t.getMessage() == null ? null : UNKNOWN_PARAMETERS.matcher(t.getMessage());
            if (unknown != null && unknown.find()) {
                MAP_KEY.matcher(unknown.group(1)).results().map(key -> key.group(1)).distinct().forEach(key -> pairs.add(
                        Pattern.compile("(?<![\\w.-])(" + Pattern.quote(key) + ")=" + VALUE)));
            }
        }
        return text -> {
            if (text == null) {
                return null;
            }
            String masked = text;
            for (Pattern pair : pairs) {
                masked = pair.matcher(masked).replaceAll(found -> Matcher.quoteReplacement(
                        found.group(1) + '=' + (found.group(2).isEmpty() ? "" : MASK)));
            }
            for (Pattern value : values) {
                masked = value.matcher(masked).replaceAll(MASK);
            }
            return masked;
        };
    }

    private static Throwable copy(Throwable original, UnaryOperator<String> mask, Set<Throwable> copied) {
        copied.add(original);
        Throwable cause = original.getCause() == null || copied.contains(original.getCause()) ? null
                : copy(original.getCause(), mask, copied);
        Masked copy = new Masked(original.getClass().getName(), mask.apply(ownMessage(original)), cause);
        copy.setStackTrace(original.getStackTrace());
        for (Throwable suppressed : original.getSuppressed()) {
            if (!copied.contains(suppressed)) {
                copy.addSuppressed(copy(suppressed, mask, copied));
            }
        }
        return copy;
    }

    /** Stands for a throwable of another class, which its message names first (a log prints the class of this one). */
    private static final class Masked extends Exception {

        Masked(String className, String message, Throwable cause) {
            super(message == null ? className : className + ": " + message, cause);
        }
    }
}
