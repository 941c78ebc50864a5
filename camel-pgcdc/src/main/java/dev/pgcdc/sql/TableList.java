package dev.pgcdc.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the {@code tables} option: comma-separated {@code schema.table} or {@code table} (schema public). A part
 * that contains a dot, comma or double quote, or surrounding spaces, is written as a SQL quoted identifier,
 * {@code "My ""odd"" schema"."a.b"}; unquoted parts are taken exactly as written (case kept), so {@code Orders}
 * means the table "Orders".
 */
public final class TableList {

    private final String text;
    private int pos;

    private TableList(String text) {
        this.text = text;
    }

    /** The tables as [schema, table] pairs, in order; empty for null or blank text. */
    public static List<String[]> parse(String text) {
        List<String[]> result = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        TableList parser = new TableList(text);
        while (parser.skipSpaces()) {
            String first = parser.name();
            String[] entry = parser.accept('.') ? new String[] {first, parser.name()} : new String[] {"public", first};
            result.add(entry);
            parser.skipSpaces();
            if (parser.pos < text.length() && !parser.accept(',')) {
                throw parser.error("expected , or . ");
            }
        }
        return result;
    }

    private String name() {
        skipSpaces();
        if (accept('"')) {
            StringBuilder name = new StringBuilder();
            while (true) {
                int quote = text.indexOf('"', pos);
                if (quote < 0) {
                    throw error("unterminated quoted name");
                }
                name.append(text, pos, quote);
                pos = quote + 1;
                if (!accept('"')) {
                    break;
                }
                name.append('"');
            }
            if (name.length() == 0) {
                throw error("empty quoted name");
            }
            return name.toString();
        }
        int start = pos;
        while (pos < text.length() && ".,\"".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        String name = text.substring(start, pos).strip();
        if (name.isEmpty()) {
            throw error("missing name");
        }
        return name;
    }

    private boolean accept(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Skips spaces; false at the end of the text. */
    private boolean skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return pos < text.length();
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("Invalid tables option at position " + pos + ": " + problem + " in '"
                + text + "'; write schema.table, quoting names with dots, commas or quotes as \"My \"\"odd\"\" name\"");
    }
}
