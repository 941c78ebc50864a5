package dev.pgcdc.pg;

/**
 * Quoting for SQL we generate. Every name and every string value that goes into generated SQL passes through here,
 * so a table called {@code a"b}, {@code with space} or {@code Заказ} can never break or inject into a statement.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** A name as a quoted identifier: {@code a"b} becomes {@code "a""b"}. Quoting always also keeps the case. */
    public static String quote(String identifier) {
        requireNoNul(identifier);
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A schema-qualified name: {@code "schema"."name"}. */
    public static String quote(String schema, String name) {
        return quote(schema) + '.' + quote(name);
    }

    /**
     * A string literal. Backslashes are doubled and the literal becomes an escape string ({@code E'...'}), as
     * PostgreSQL's own {@code quote_literal} does, so the result means the same whatever
     * {@code standard_conforming_strings} is set to.
     */
    public static String quoteLiteral(String value) {
        requireNoNul(value);
        String doubled = value.replace("'", "''");
        if (value.indexOf('\\') < 0) {
            return '\'' + doubled + '\'';
        }
        return "E'" + doubled.replace("\\", "\\\\") + '\'';
    }

    // PostgreSQL cannot store NUL in text; refusing it here beats a confusing server error later.
    private static void requireNoNul(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("SQL text cannot contain the NUL character: " + text.replace('\0', '?'));
        }
    }
}
