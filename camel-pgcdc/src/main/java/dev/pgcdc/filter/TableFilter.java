package dev.pgcdc.filter;

import dev.pgcdc.pg.TableName;

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
        return new TableFilter(NamePattern.parseList(includes, 2), NamePattern.parseList(excludes, 2));
    }

    /** This filter, also dropping one table (e.g. the heartbeat table, whose rows never reach the route). */
    public TableFilter excluding(TableName table) {
        List<NamePattern> more = new ArrayList<>(excludes);
        more.add(NamePattern.exactly(table));
        return new TableFilter(includes, List.copyOf(more));
    }

    public boolean includes(String schema, String table) {
        return (includes.isEmpty() || includes.stream().anyMatch(p -> p.matches(schema, table)))
                && excludes.stream().noneMatch(p -> p.matches(schema, table));
    }

    public List<NamePattern> includePatterns() {
        return includes;
    }

    public List<NamePattern> excludePatterns() {
        return excludes;
    }
}
