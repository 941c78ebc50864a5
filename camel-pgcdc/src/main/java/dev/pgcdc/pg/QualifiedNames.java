package dev.pgcdc.pg;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits option values that list qualified names the way SQL writes them: {@code orders, sales."Order",
 * "My Schema"."a.b"}. Commas separate names, dots separate parts, double quotes protect anything (a doubled quote
 * is a quote). Callers decide what an unquoted part means (folded to lower case, or a glob pattern).
 */
public final class QualifiedNames {

    /** One dot-separated part of a name and whether it was quoted. */
    public record Part(String text, boolean quoted) {
    }

    private final String text;
    private int position;

    private QualifiedNames(String text) {
        this.text = text;
    }

    /** The names of a comma-separated list; empty for null or blank text. */
    public static List<List<Part>> parseList(String text) {
        List<List<Part>> names = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return names;
        }
        QualifiedNames parser = new QualifiedNames(text);
        names.add(parser.name());
        while (parser.skipIf(',')) {
            names.add(parser.name());
        }
        parser.skipSpaces();
        if (parser.position < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.position) + "'");
        }
        return names;
    }

    private List<Part> name() {
        List<Part> parts = new ArrayList<>();
        parts.add(part());
        while (skipIf('.')) {
            parts.add(part());
        }
        return parts;
    }

    private Part part() {
        skipSpaces();
        Part part = position < text.length() && text.charAt(position) == '"' ? quoted() : unquoted();
        skipSpaces();
        return part;
    }

    private Part quoted() {
        StringBuilder part = new StringBuilder();
        position++;
        while (true) {
            int quote = text.indexOf('"', position);
            if (quote < 0) {
                throw error("unterminated quoted name");
            }
            part.append(text, position, quote);
            position = quote + 1;
            if (position >= text.length() || text.charAt(position) != '"') {
                break;
            }
            part.append('"');
            position++;
        }
        if (part.isEmpty()) {
            throw error("empty quoted name");
        }
        return new Part(part.toString(), true);
    }

    private Part unquoted() {
        int start = position;
        while (position < text.length() && ".,\" ".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        if (position == start) {
            throw error("a name is missing");
        }
        return new Part(text.substring(start, position), false);
    }

    private boolean skipIf(char expected) {
        skipSpaces();
        if (position < text.length() && text.charAt(position) == expected) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (position < text.length() && text.charAt(position) == ' ') {
            position++;
        }
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("Cannot read the name list '" + text + "' at position " + (position + 1)
                + ": " + problem + ". Write names as in SQL, e.g. orders, sales.\"Order\", \"My Schema\".\"a.b\".");
    }
}
