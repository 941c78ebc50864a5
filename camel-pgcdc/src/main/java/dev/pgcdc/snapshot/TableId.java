package dev.pgcdc.snapshot;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import dev.pgcdc.sql.Sql;

/** A table by schema and name, exactly as stored in the catalog; written {@code schema.table} in options. */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** {@code schema.table}, or {@code table} for schema public; the first dot separates schema from table. */
    public static TableId parse(String text) {
        String name = text.trim();
        int dot = name.indexOf('.');
        TableId id = dot < 0 ? new TableId("public", name) : new TableId(name.substring(0, dot), name.substring(dot + 1));
        if (id.schema.isEmpty() || id.table.isEmpty()) {
            throw new IllegalArgumentException("Not a table name (expected schema.table or table): '" + text + "'");
        }
        return id;
    }

    /** A comma-separated list of {@link #parse} names; blank gives an empty set. */
    public static Set<TableId> parseList(String text) {
        Set<TableId> result = new LinkedHashSet<>();
        if (text != null) {
            for (String entry : text.split(",")) {
                if (!entry.isBlank()) {
                    result.add(parse(entry));
                }
            }
        }
        return result;
    }

    public boolean is(String schemaName, String tableName) {
        return table.equals(tableName) && schema.equals(schemaName);
    }

    /** The name quoted for SQL. */
    public String quoted() {
        return Sql.qualified(schema, table);
    }

    @Override
    public String toString() {
        return schema + '.' + table;
    }
}
