package dev.pgcdc.sql;

/** Quoting for SQL text we generate: every identifier and literal goes through here, whatever it contains. */
public final class Sql {

    private Sql() {
    }

    /** A quoted identifier: {@code a"b} becomes {@code "a""b"}; case and any character are preserved. */
    public static String identifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character: " + name.replace('\0', '?'));
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A schema-qualified name, both parts quoted. */
    public static String qualified(String schema, String name) {
        return identifier(schema) + '.' + identifier(name);
    }

    /**
     * A standard-conforming string literal: {@code it's} becomes {@code 'it''s'}. Backslashes are literal because
     * every PostgreSQL we support has standard_conforming_strings on by default; the E'' form is used if the text
     * contains one, so the literal means the same either way.
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("string literal contains a NUL character");
        }
        String quoted = value.replace("'", "''");
        if (quoted.indexOf('\\') >= 0) {
            return "E'" + quoted.replace("\\", "\\\\") + "'";
        }
        return "'" + quoted + "'";
    }
}
