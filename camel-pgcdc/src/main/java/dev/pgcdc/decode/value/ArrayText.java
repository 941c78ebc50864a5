package dev.pgcdc.decode.value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Parses PostgreSQL's array output ({@code {1,2}}, {@code {{1,2},{3,4}}}, {@code {"a b",NULL,"x\"y"}},
 * {@code [0:1]={7,8}}) into unmodifiable nested lists. Lower bounds are dropped, as to_jsonb drops them.
 * Element text goes through {@code elementDecoder}; an unquoted {@code NULL} is a null element. Elements are
 * separated by the element type's delimiter ({@code pg_type.typdelim}: ';' for box, ',' for the rest).
 */
final class ArrayText {

    private final String text;
    private final char delimiter;
    private final Function<String, Object> elementDecoder;
    private final StringBuilder element = new StringBuilder();
    private int pos;

    private ArrayText(String text, char delimiter, Function<String, Object> elementDecoder) {
        this.text = text;
        this.delimiter = delimiter;
        this.elementDecoder = elementDecoder;
    }

    static List<Object> parse(String text, char delimiter, Function<String, Object> elementDecoder) {
        ArrayText parser = new ArrayText(text, delimiter, elementDecoder);
        parser.skipDimensions();
        List<Object> array = parser.array();
        if (parser.pos != text.length()) {
            throw parser.fail("unexpected text after the array");
        }
        return array;
    }

    /** Skips a {@code [lower:upper]...=} prefix, printed when a lower bound is not 1. */
    private void skipDimensions() {
        if (text.startsWith("[")) {
            int equals = text.indexOf('=');
            if (equals < 0) {
                throw fail("dimension prefix without '='");
            }
            pos = equals + 1;
        }
    }

    private List<Object> array() {
        expect('{');
        List<Object> items = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            char c = peek();
            if (c == '{') {
                items.add(array());
            } else if (c == '"') {
                items.add(elementDecoder.apply(quoted()));
            } else {
                String raw = unquoted();
                items.add(raw.equalsIgnoreCase("NULL") ? null : elementDecoder.apply(raw));
            }
            char separator = next();
            if (separator == '}') {
                return Collections.unmodifiableList(items);
            }
            if (separator != delimiter) {
                pos--;
                throw fail("expected '" + delimiter + "' or '}'");
            }
        }
    }

    private String quoted() {
        pos++;
        element.setLength(0);
        while (true) {
            char c = next();
            if (c == '"') {
                return element.toString();
            }
            element.append(c == '\\' ? next() : c);
        }
    }

    private String unquoted() {
        element.setLength(0);
        while (true) {
            char c = peek();
            if (c == delimiter || c == '}') {
                return element.toString().trim();
            }
            pos++;
            element.append(c == '\\' ? next() : c);
        }
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw fail("expected '" + c + "'");
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw fail("array ends early");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private IllegalArgumentException fail(String problem) {
        return new IllegalArgumentException(problem + " at position " + pos + " of array literal");
    }
}
