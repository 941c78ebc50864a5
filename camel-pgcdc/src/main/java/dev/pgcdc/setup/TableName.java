package dev.pgcdc.setup;

import java.util.Objects;

import dev.pgcdc.sql.Identifiers;

/** A schema-qualified table name, exactly as stored in the catalog (case and all, not yet quoted). */
public record TableName(String schema, String name) {

    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    public static TableName of(String schema, String name) {
        return new TableName(schema, name);
    }

    /** The name as it must appear in SQL: {@code "schema"."name"}. */
    public String quoted() {
        return Identifiers.quote(schema, name);
    }

    @Override
    public String toString() {
        return quoted();
    }
}
