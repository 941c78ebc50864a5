package dev.pgcdc.filter;

import java.util.List;


/**
 * Columns left out of every change (option {@code excludeColumns}: {@code schema.table.column} names or patterns,
 * comma-separated). The decoder skips them, so they are in none of {@code key}, {@code before}, {@code after} or
 * {@code unchanged}; excluding a key column is a configuration error.
 */
public final class ColumnExclusions implements ColumnFilter {

    private final List<NamePattern> patterns;

    private ColumnExclusions(List<NamePattern> patterns) {
        this.patterns = patterns;
    }

    public static ColumnExclusions of(String list) {
        return new ColumnExclusions(NamePattern.parseList(list, 3));
    }

    @Override
    public boolean includes(String schema, String table, String column) {
        if (patterns.isEmpty()) {
            return true;
        }
        return patterns.stream().noneMatch(p -> p.matches(schema, table, column));
    }
}
