package dev.pgcdc;

/** How column values are delivered (option {@code valueFormat}). */
public enum ValueFormat {
    /** Natural Java types; the JSON form equals PostgreSQL's {@code to_jsonb}. */
    NATURAL,
    /** PostgreSQL's text output: every value a String. */
    TEXT
}
