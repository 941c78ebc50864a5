package dev.pgcdc.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.pgcdc.pg.TableName;

/**
 * Creates a missing target table from its source table's columns (option {@code createTables}): the one place that
 * writes the DDL; the {@link Dialect} supplies each column's type. Every problem is collected first and reported
 * together, before anything is created or written.
 *
 * <p>NOT NULL is kept for key columns only; the source enforces the others. A NOT NULL column the change does not
 * carry would block every write: a TOASTed value an update left unchanged (an insert-or-update without a NOT NULL
 * column fails on PostgreSQL and MariaDB alike, even when the row exists), a column outside a publication's column
 * list, and in append mode every column of a delete but its key.
 */
final class TableCreator {

    private final Dialect dialect;

    TableCreator(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Creates the rule's target table, if it still does not exist, on the target connection (in its transaction where
     * the target has transactional DDL).
     *
     * @param key the key columns: the change's key, else the source's primary key or replica identity
     */
    void create(Connection target, SourceTable source, SinkRules.TableRule rule, List<String> key)
            throws SQLException {
        boolean append = rule.mode() == SinkMode.APPEND;
        List<String> problems = new ArrayList<>();
        if (!append && key.isEmpty()) {
            throw failure("create target table " + rule.target(), rule, List.of("source table " + source.name() + " has no primary key or replica identity,"
                    + " which " + rule.mode() + " mode needs to find rows: use append mode or give the source table a"
                    + " primary key"));
        }
        for (String name : List.of(rule.target().schema(), rule.target().name())) {
            if (!dialect.fits(name)) {
                problems.add("the name " + dialect.quote(name) + " is longer than the target allows ("
                        + dialect.identifierLimit() + "): choose a shorter one with tableMapping or targetSchema");
            }
        }
        List<String> definitions = new ArrayList<>();
        for (SourceTable.Column column : source.columns()) {
            if (!rule.writes(column.name())) {
                continue;
            }
            boolean inKey = !append && key.contains(column.name());
            if (inKey && !column.notNull()) {
                problems.add("key column " + dialect.quote(column.name()) + " may be null in the source (its replica"
                        + " identity is FULL without a primary key): use append mode or give the source table a"
                        + " primary key");
            }
            if (!dialect.fits(column.name())) {
                problems.add("column name " + dialect.quote(column.name()) + " is longer than the target allows ("
                        + dialect.identifierLimit() + "): leave it out with excludeColumns, or create the target table"
                        + " yourself");
            }
            String type = dialect.columnType(target, column, inKey, problems);
            definitions.add(dialect.quote(column.name()) + " " + type + (inKey ? " NOT NULL" : ""));
        }
        for (String column : key) {
            if (!append && !rule.writes(column)) {
                problems.add("excludeColumns leaves out key column " + dialect.quote(column) + ", which the target"
                        + " table needs to find rows");
            }
        }
        List<String> primaryKey = key;
        if (append) {
            definitions.add(dialect.quote(ChangeApplier.OP) + " CHAR(1)");
            for (String column : List.of(ChangeApplier.COMMIT_LSN, ChangeApplier.SEQ, ChangeApplier.LSN)) {
                definitions.add(dialect.quote(column) + " BIGINT");
            }
            definitions.add(dialect.quote(ChangeApplier.COMMIT_TS) + " " + dialect.timestampType());
            definitions.add(dialect.quote(ChangeApplier.UNCHANGED) + " TEXT");
            primaryKey = List.of(ChangeApplier.COMMIT_LSN, ChangeApplier.SEQ);
        } else if (rule.mode() == SinkMode.SOFT_DELETE) {
            definitions.add(dialect.quote(ChangeApplier.DELETED) + " BOOLEAN NOT NULL DEFAULT false");
        }
        if (!problems.isEmpty()) {
            throw failure("create target table " + rule.target(), rule, problems);
        }
        definitions.add("PRIMARY KEY (" + primaryKey.stream().map(dialect::quote).collect(Collectors.joining(", "))
                + ")");
        try (Statement statement = target.createStatement()) {
            // IF NOT EXISTS: another sink may create the same schema or table at the same time. The schema only when
            // missing: PostgreSQL checks the CREATE privilege on the database even when the schema exists.
            if (!schemaExists(target, rule.target().schema())) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + dialect.quote(rule.target().schema()));
            }
            statement.execute("CREATE TABLE IF NOT EXISTS " + dialect.quote(rule.target()) + " ("
                    + String.join(", ", definitions) + ")" + dialect.tableOptions(target));
        }
    }

    private static boolean schemaExists(Connection target, String schema) throws SQLException {
        try (PreparedStatement statement = target.prepareStatement(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Adds columns the source table has gained since its target table was made (written by a change, missing in the
     * target), nullable since the rows already there have no value for them.
     */
    void addColumns(Connection target, SourceTable source, SinkRules.TableRule rule, List<String> missing)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> additions = new ArrayList<>();
        for (String name : missing) {
            SourceTable.Column column = source.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElse(null);
            if (column == null) {
                problems.add("column " + dialect.quote(name) + " is no longer in the source table (dropped or"
                        + " renamed since the change was written): add it to the target yourself");
                continue;
            }
            if (!dialect.fits(name)) {
                problems.add("column name " + dialect.quote(name) + " is longer than the target allows ("
                        + dialect.identifierLimit() + "): leave it out with excludeColumns");
            }
            additions.add("ADD COLUMN " + dialect.quote(name) + " " + dialect.columnType(target, column, false,
                    problems));
        }
        if (!problems.isEmpty()) {
            throw failure("add column(s) " + missing + " to target table " + rule.target(), rule, problems);
        }
        try (Statement statement = target.createStatement()) {
            statement.execute("ALTER TABLE " + dialect.quote(rule.target()) + " " + String.join(", ", additions));
        }
    }

    private static SinkException failure(String what, SinkRules.TableRule rule, List<String> problems) {
        return new SinkException("createTables cannot " + what + " for source table " + rule.source() + ": "
                + String.join("; ", problems));
    }
}
