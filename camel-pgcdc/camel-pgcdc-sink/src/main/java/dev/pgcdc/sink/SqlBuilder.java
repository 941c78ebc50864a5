package dev.pgcdc.sink;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.pgcdc.pg.TableName;

/**
 * The SQL text of every statement the sink runs, with {@code ?} parameters in the order the column lists give.
 * Texts are cached: a table sees few distinct column sets, and an identical text lets the driver reuse its prepared
 * statement and batch consecutive changes.
 */
final class SqlBuilder {

    private final Dialect dialect;
    private final Map<List<Object>, String> cache = new HashMap<>();
    /** The last upsert text and what it was made of, by identity: consecutive changes mostly share their lists. */
    private TableName upsertTable;
    private List<String> upsertColumns;
    private List<String> upsertKey;
    private String upsertText;

    SqlBuilder(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Insert, and on a conflict of {@code key} update {@code update} (none: keep the existing row). */
    String insert(TableName table, List<String> columns, List<String> key, List<String> update) {
        return cached(List.of("insert", table, columns, key, update), () -> insertText(table, columns, key, update));
    }

    /**
     * Insert, and on a conflict of {@code key} update the other columns. Those are worked out only when the text is
     * built, not for every change.
     */
    String upsert(TableName table, List<String> columns, List<String> key) {
        if (table != upsertTable || columns != upsertColumns || key != upsertKey) {
            upsertText = cached(List.of("upsert", table, columns, key), () -> insertText(table, columns, key,
                    columns.stream().filter(c -> !key.contains(c)).toList()));
            upsertTable = table;
            upsertColumns = columns;
            upsertKey = key;
        }
        return upsertText;
    }

    /** A plain insert: a conflict on any unique index is an error. */
    String insert(TableName table, List<String> columns) {
        return cached(List.of("plainInsert", table, columns), () -> "INSERT INTO " + dialect.quote(table) + " ("
                + names(columns, ", ") + ") VALUES (" + "?, ".repeat(columns.size() - 1) + "?)");
    }

    private String insertText(TableName table, List<String> columns, List<String> key, List<String> update) {
        return "INSERT INTO " + dialect.quote(table) + " (" + names(columns, ", ") + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?)" + dialect.onConflict(key, update);
    }

    String delete(TableName table, List<String> key) {
        return cached(List.of("delete", table, key), () -> "DELETE FROM " + dialect.quote(table) + where(key));
    }

    /**
     * Deletes the rows of a run of {@code keys} keys (2 or more, at most {@link Dialect.KeyDeletes#maxKeys}): many
     * deletes in one statement, as the dialect writes it ({@link Dialect#keysIn}).
     */
    String deleteAll(Dialect.KeyDeletes deletes, int keys) {
        int slots = dialect.keySlots(keys);
        return cached(List.of("deleteAll", deletes, slots), () -> "DELETE FROM " + dialect.quote(deletes.table())
                + " WHERE " + dialect.keysIn(deletes, slots));
    }

    /** Sets {@code set} columns, of the rows matching {@code key} (none: every row). */
    String update(TableName table, List<String> set, List<String> key) {
        return cached(List.of("update", table, set, key), () -> "UPDATE " + dialect.quote(table) + " SET "
                + names(set, " = ?, ") + " = ?" + where(key));
    }

    String select(TableName table, List<String> columns, List<String> key) {
        return cached(List.of("select", table, columns, key), () -> "SELECT " + names(columns, ", ") + " FROM "
                + dialect.quote(table) + where(key));
    }

    /**
     * Selects the key of the row matching {@code key} that the target does not also match by a second set of values
     * of {@code key} (bound after the first); with a {@code deleted} column, only a row it does not mark deleted.
     */
    String selectOtherRow(TableName table, List<String> key, String deleted) {
        return cached(Arrays.asList("selectOtherRow", table, key, deleted), () -> "SELECT " + names(key, ", ")
                + " FROM " + dialect.quote(table) + where(key) + " AND NOT (" + names(key, " = ? AND ") + " = ?)"
                + (deleted == null ? "" : " AND " + dialect.quote(deleted) + " IS NOT TRUE"));
    }

    private String where(List<String> key) {
        return key.isEmpty() ? "" : " WHERE " + names(key, " = ? AND ") + " = ?";
    }

    private String names(List<String> columns, String separator) {
        return columns.stream().map(dialect::quote).collect(Collectors.joining(separator));
    }

    /** {@code sql} must not use the cache itself: HashMap forbids changing the map from inside computeIfAbsent. */
    private String cached(List<Object> shape, Supplier<String> sql) {
        return cache.computeIfAbsent(shape, s -> sql.get());
    }
}
