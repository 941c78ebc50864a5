package dev.pgcdc.benchmark.probe;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value} arguments the benchmark passes to a probe JVM. */
public final class ProbeArgs {

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
