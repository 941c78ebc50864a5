package dev.pgcdc.embedded;

/** Quotes names and values for SQL text, the way PostgreSQL's quote_ident and quote_literal do. */
public final class SqlQuoting {

    private SqlQuoting() {
    }

    /** {@code my "role"} becomes {@code "my ""role"""}: always quoted, so case and reserved words survive. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code it's} becomes {@code 'it''s'} (standard_conforming_strings is on since PostgreSQL 9.1). */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
