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
    /**
     * The last answer: {@link #includes} runs once per change, and changes come in runs of one table whose names are
     * the same String instances (the decoder's relation). Immutable, so threads sharing the filter may race on it.
     */
    private Answer last = new Answer(null, null, false);

    private record Answer(String schema, String table, boolean included) {
    }

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
        Answer answer = last;
        if (answer.schema() != schema || answer.table() != table) {
            answer = new Answer(schema, table, matchesAny(includes, schema, table, includes.isEmpty())
                    && !matchesAny(excludes, schema, table, false));
            last = answer;
        }
        return answer.included();
    }

    private static boolean matchesAny(List<NamePattern> patterns, String schema, String table, boolean ifNone) {
        if (patterns.isEmpty()) {
            return ifNone;
        }
        for (NamePattern pattern : patterns) {
            if (pattern.matches(schema, table)) {
                return true;
            }
        }
        return false;
    }

    public List<NamePattern> includePatterns() {
        return includes;
    }

    public List<NamePattern> excludePatterns() {
        return excludes;
    }
}
