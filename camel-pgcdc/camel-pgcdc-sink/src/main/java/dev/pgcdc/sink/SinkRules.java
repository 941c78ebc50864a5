package dev.pgcdc.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.pgcdc.pg.TableName;

/**
 * What the options say about each source table: its target table, its mode and the columns left out. Names are
 * written as in SQL (unquoted names fold to lower case, {@code "Quoted"} ones keep their case), as in pgcdc's
 * {@code tables} option.
 */
final class SinkRules {

    /** The rule for one source table. */
    record TableRule(TableName source, TableName target, SinkMode mode, Set<String> excludedColumns) {

        boolean writes(String column) {
            return !excludedColumns.contains(column);
        }
    }

    private final SinkMode defaultMode;
    private final Map<TableName, SinkMode> modes;
    private final Map<TableName, TableName> mapping;
    /** Sources whose tableMapping target names no schema. */
    private final Set<TableName> mappedWithoutSchema;
    private final String targetSchema;
    private final Set<String> excludedEverywhere;
    private final Map<TableName, Set<String>> excludedByTable;
    private final boolean applyTruncate;
    private final Map<RuleKey, TableRule> rules = new HashMap<>();

    private record RuleKey(TableName source, String defaultSchema) {
    }

    private SinkRules(PgCdcSinkConfiguration configuration) {
        defaultMode = configuration.getMode();
        modes = new HashMap<>();
        for (String[] pair : pairs("tableModes", configuration.getTableModes())) {
            modes.put(TableName.parse(pair[0]), SinkMode.parse(pair[1]));
        }
        mapping = new HashMap<>();
        mappedWithoutSchema = new HashSet<>();
        for (String[] pair : pairs("tableMapping", configuration.getTableMapping())) {
            TableName source = TableName.parse(pair[0]);
            mapping.put(source, TableName.parse(pair[1]));
            if (split(pair[1], '.').size() == 1) {
                mappedWithoutSchema.add(source);
            }
        }
        targetSchema = blankToNull(configuration.getTargetSchema());
        excludedEverywhere = new HashSet<>();
        excludedByTable = new HashMap<>();
        for (String column : split(configuration.getExcludeColumns(), ',')) {
            List<String> parts = split(column, '.');
            String name = identifier(parts.get(parts.size() - 1));
            if (parts.size() == 1) {
                excludedEverywhere.add(name);
            } else {
                TableName table = TableName.parse(String.join(".", parts.subList(0, parts.size() - 1)));
                excludedByTable.computeIfAbsent(table, t -> new HashSet<>()).add(name);
            }
        }
        applyTruncate = configuration.isApplyTruncate();
    }

    static SinkRules of(PgCdcSinkConfiguration configuration) {
        return new SinkRules(configuration);
    }

    boolean applyTruncate() {
        return applyTruncate;
    }

    /**
     * The rule for a source table; rules are built once per table and reused.
     *
     * @param defaultSchema the target's schema for tables the options give none ({@link Dialect#defaultSchema}), or
     *                      null to keep the source's
     */
    synchronized TableRule rule(String schema, String table, String defaultSchema) {
        return rules.computeIfAbsent(new RuleKey(TableName.of(schema, table), defaultSchema), key -> {
            TableName source = key.source();
            TableName target = mapping.get(source);
            if (target == null) {
                String unmapped = targetSchema != null ? targetSchema : defaultSchema;
                target = TableName.of(unmapped != null ? unmapped : source.schema(), source.name());
            } else if (defaultSchema != null && mappedWithoutSchema.contains(source)) {
                target = TableName.of(defaultSchema, target.name());
            }
            Set<String> excluded = new HashSet<>(excludedEverywhere);
            excluded.addAll(excludedByTable.getOrDefault(source, Set.of()));
            return new TableRule(source, target, modes.getOrDefault(source, defaultMode), Set.copyOf(excluded));
        });
    }

    private static List<String[]> pairs(String option, String text) {
        List<String[]> pairs = new ArrayList<>();
        for (String entry : split(text, ',')) {
            List<String> parts = split(entry, ':');
            if (parts.size() != 2) {
                throw new IllegalArgumentException(option + ": expected source:value but got '" + entry.strip() + "'");
            }
            pairs.add(new String[] {parts.get(0), parts.get(1)});
        }
        return pairs;
    }

    /** Splits at separators outside double quotes; blank text gives no parts. */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return parts;
        }
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == separator && !quoted) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** One name as SQL reads it: {@code "Mixed Case"} as written, {@code Plain} folded to lower case. */
    private static String identifier(String text) {
        String name = text.strip();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            return name.substring(1, name.length() - 1).replace("\"\"", "\"");
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("excludeColumns: a column name is missing");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
