package dev.pgcdc.runner;

import java.sql.SQLException;

import dev.pgcdc.setup.SetupException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.PropertyBindingException;
import org.apache.camel.ResolveEndpointFailedException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Why the runner did not start, as one message: Camel wraps the cause (often more than once), and each wrapper
 * repeats its message, so the SQL script of a setup failure, say, would be printed again and again.
 */
final class StartFailure {

    private StartFailure() {
    }

    /** The messages of the cause chain, each once, without the wrappers that only repeat their cause. */
    static String message(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String said = t.getMessage();
            if (said == null || (t.getCause() != null && said.equals(t.getCause().toString()))) {
                continue;
            }
            String trimmed = said.strip();
            if (trimmed.endsWith(".")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            if (!text.toString().contains(trimmed)) {
                text.append(text.isEmpty() ? "" : System.lineSeparator() + "Caused by: ").append(said.strip());
            }
        }
        return text.isEmpty() ? failure.toString() : text.toString();
    }

    /**
     * A failure whose message says all a user needs: the database, its setup, an option or a route file. Anything
     * else may be a bug, whose stack trace is worth printing.
     */
    static boolean understood(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof SetupException || t instanceof IllegalArgumentException
                    || t instanceof ResolveEndpointFailedException || t instanceof PropertyBindingException
                    || t instanceof NoSuchEndpointException || t instanceof YamlEngineException) {
                return true;
            }
        }
        return false;
    }
}
