package dev.pgcdc.benchmark.probe;

import java.util.Map;

/**
 * The one line a probe JVM prints on stdout for the benchmark to read: {@code RESULT {json}}. Values are numbers,
 * booleans, strings or nested maps; the JSON is written by hand because the probe has no dependencies.
 */
public final class ResultLine {

    public static final String PREFIX = "RESULT ";

    private ResultLine() {
    }

    public static void print(Map<String, ?> figures) {
        StringBuilder json = new StringBuilder(PREFIX);
        append(json, figures);
        System.out.println(json);
        System.out.flush();
    }

    private static void append(StringBuilder json, Object value) {
        if (value instanceof Map<?, ?> map) {
            json.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.append(separator);
                append(json, String.valueOf(entry.getKey()));
                json.append(':');
                append(json, entry.getValue());
                separator = ",";
            }
            json.append('}');
        } else if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else if (value == null) {
            json.append("null");
        } else {
            json.append('"');
            for (char c : value.toString().toCharArray()) {
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
        }
    }
}
