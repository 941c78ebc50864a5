package dev.pgcdc.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Which tables' changes reach the route (options {@code tables} and {@code excludeTables}): a table is delivered if
 * it matches an include pattern (or there are none) and no exclude pattern. Changes of other tables are dropped
 * before they are registered for acknowledgement, so they count as done at once.
 */
public final class TableFilter {

    public static final TableFilter ALL = new TableFilter(List.of(), List.of());

    private final List<NamePattern> includes;
    private final List<NamePattern> excludes;

    private TableFilter(List<NamePattern> includes, List<NamePattern> excludes) {
        this.includes = includes;
        this.excludes = excludes;
    }

    /** From comma-separated lists of {@link NamePattern}s; null or blank means none. */
    public static TableFilter of(String includes, String excludes) {
        return new TableFilter(patterns(includes, 2), patterns(excludes, 2));
    }

    static List<NamePattern> patterns(String list, int parts) {
        List<NamePattern> patterns = new ArrayList<>();
        if (list != null) {
            for (String entry : list.split(",")) {
                if (!entry.isBlank()) {
                    patterns.add(NamePattern.parse(entry, parts));
                }
            }
        }
        return List.copyOf(patterns);
    }

    public boolean includes(String schema, String table) {
        String name = schema + '.' + table;
        return (includes.isEmpty() || includes.stream().anyMatch(p -> p.matches(name)))
                && excludes.stream().noneMatch(p -> p.matches(name));
    }

    public List<NamePattern> includePatterns() {
        return includes;
    }
}
