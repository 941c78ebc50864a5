package dev.pgcdc.decode.value;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits PostgreSQL's composite output ({@code (1,"a b",,"x""y")}) into its fields' text: an empty unquoted field
 * is NULL, a quoted one is unescaped ({@code ""} and {@code \} escapes).
 */
final class RecordText {

    private RecordText() {
    }

    static List<String> parse(String text) {
        if (text.length() < 2 || text.charAt(0) != '(' || text.charAt(text.length() - 1) != ')') {
            throw new IllegalArgumentException("composite value is not in parentheses");
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int end = text.length() - 1;
        int pos = 1;
        while (true) {
            field.setLength(0);
            boolean quoted = false;
            while (pos < end && text.charAt(pos) != ',') {
                char c = text.charAt(pos++);
                if (c == '"') {
                    quoted = true;
                    while (true) {
                        if (pos >= end) {
                            throw new IllegalArgumentException("unterminated quoted field in composite value");
                        }
                        char q = text.charAt(pos++);
                        if (q == '"' && pos < end && text.charAt(pos) == '"') {
                            field.append('"');
                            pos++;
                        } else if (q == '"') {
                            break;
                        } else {
                            field.append(q == '\\' ? text.charAt(pos++) : q);
                        }
                    }
                } else {
                    field.append(c == '\\' ? text.charAt(pos++) : c);
                }
            }
            fields.add(quoted || field.length() > 0 ? field.toString() : null);
            if (pos >= end) {
                return fields;
            }
            pos++; // the comma
        }
    }
}
