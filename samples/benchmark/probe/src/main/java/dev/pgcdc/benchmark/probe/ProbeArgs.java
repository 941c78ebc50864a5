package dev.pgcdc.benchmark.probe;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code key=value} arguments the benchmark passes to a probe JVM. The password comes in the environment
 * ({@value #PASSWORD_VARIABLE}), not as an argument, where every process listing would show it.
 */
public final class ProbeArgs {

    public static final String PASSWORD_VARIABLE = "PGPASSWORD";

    private final Map<String, String> values = new HashMap<>();

    public ProbeArgs(String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            values.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
    }

    /** The database password, from {@value #PASSWORD_VARIABLE}. */
    public String password() {
        String password = System.getenv(PASSWORD_VARIABLE);
        if (password == null) {
            throw new IllegalArgumentException("missing environment variable " + PASSWORD_VARIABLE);
        }
        return password;
    }

    public String get(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing argument " + key);
        }
        return value;
    }

    /** The value, or {@code fallback} when the argument is absent. */
    public String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public long getLong(String key) {
        return Long.parseLong(get(key));
    }

    public int getInt(String key) {
        return Integer.parseInt(get(key));
    }
}
