package dev.pgcdc.setup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads table names written as in SQL: {@code orders}, {@code sales.orders}, {@code "My Schema"."a""b"}, several
 * separated by commas. Unquoted names fold to lower case as PostgreSQL folds them; quoted ones stay as written.
 */
final class TableNameParser {

    private final String text;
    private int position;

    private TableNameParser(String text) {
        this.text = text;
    }

    static List<TableName> parseList(String text) {
        TableNameParser parser = new TableNameParser(text);
        List<TableName> names = new ArrayList<>();
        if (text.isBlank()) {
            return names;
        }
        names.add(parser.tableName());
        while (parser.skipIf(',')) {
            names.add(parser.tableName());
        }
        parser.expectEnd();
        return names;
    }

    private TableName tableName() {
        String first = identifier();
        if (!skipIf('.')) {
            return TableName.of(TableName.DEFAULT_SCHEMA, first);
        }
        return TableName.of(first, identifier());
    }

    private String identifier() {
        skipSpaces();
        String identifier = peek() == '"' ? quoted() : unquoted();
        skipSpaces();
        return identifier;
    }

    private String quoted() {
        StringBuilder identifier = new StringBuilder();
        position++;
        while (true) {
            int quote = text.indexOf('"', position);
            if (quote < 0) {
                throw error("unterminated quoted name");
            }
            identifier.append(text, position, quote);
            position = quote + 1;
            if (peek() != '"') {
                break;
            }
            identifier.append('"');
            position++;
        }
        if (identifier.isEmpty()) {
            throw error("empty quoted name");
        }
        return identifier.toString();
    }

    private String unquoted() {
        int start = position;
        while (position < text.length() && ".,\" ".indexOf(text.charAt(position)) < 0) {
            position++;
        }
        if (position == start) {
            throw error("a name is missing");
        }
        return text.substring(start, position).toLowerCase(Locale.ROOT);
    }

    private boolean skipIf(char expected) {
        skipSpaces();
        if (peek() == expected) {
            position++;
            return true;
        }
        return false;
    }

    private void expectEnd() {
        skipSpaces();
        if (position < text.length()) {
            throw error("unexpected '" + text.charAt(position) + "'");
        }
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : 0;
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException("Cannot read table names \"" + text + "\": " + problem + " at position "
                + position + ". Write schema.table, quoting names with capitals, spaces or dots in double quotes.");
    }
}
