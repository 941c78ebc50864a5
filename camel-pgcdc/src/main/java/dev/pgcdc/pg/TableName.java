package dev.pgcdc.pg;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Objects;


/** A schema-qualified table name, exactly as stored in the catalog (case and all, not yet quoted). */
public record TableName(String schema, String name) {

    /** The schema of a name written without one. */
    public static final String DEFAULT_SCHEMA = "public";

    public TableName {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
    }

    public static TableName of(String schema, String name) {
        return new TableName(schema, name);
    }

    /**
     * Reads names as written in SQL, separated by commas: {@code orders, sales."Order", "My Schema"."a""b"}.
     * Unquoted names fold to lower case like PostgreSQL's; a name without schema is in {@value #DEFAULT_SCHEMA}.
     */
    public static List<TableName> parseList(String text) {
        List<TableName> names = new ArrayList<>();
        for (List<QualifiedNames.Part> parts : QualifiedNames.parseList(text)) {
            if (parts.size() > 2) {
                throw new IllegalArgumentException("Cannot read table names '" + text + "': unexpected '.' in "
                        + parts.stream().map(QualifiedNames.Part::text).toList() + "; a table name is schema.table,"
                        + " and names holding dots are written in double quotes.");
            }
            String name = folded(parts.get(parts.size() - 1));
            names.add(parts.size() == 1 ? of(DEFAULT_SCHEMA, name) : of(folded(parts.get(0)), name));
        }
        return names;
    }

    /** Unquoted names fold to lower case, as PostgreSQL folds them. */
    private static String folded(QualifiedNames.Part part) {
        return part.quoted() ? part.text() : part.text().toLowerCase(Locale.ROOT);
    }

    /** {@link #parseList} without duplicates, in the order written. */
    public static Set<TableName> parseSet(String text) {
        return new LinkedHashSet<>(parseList(text));
    }

    /** Whether this is the table {@code schema.name} as stored in the catalog. */
    public boolean is(String schemaName, String tableName) {
        return name.equals(tableName) && schema.equals(schemaName);
    }

    /** Reads one name as written in SQL, see {@link #parseList(String)}. */
    public static TableName parse(String text) {
        List<TableName> names = parseList(text);
        if (names.size() != 1) {
            throw new IllegalArgumentException("Expected one table name but got " + names.size() + ": " + text);
        }
        return names.get(0);
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
