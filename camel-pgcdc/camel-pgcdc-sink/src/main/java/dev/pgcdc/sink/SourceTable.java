package dev.pgcdc.sink;

import java.sql.SQLException;
import java.util.List;

import dev.pgcdc.pg.SourceTables;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.pg.TableShape;

/**
 * A source table's columns as the source catalog declares them (the columns the stream carries), read to create its
 * target table.
 *
 * @param identityKey the primary key (or replica identity index) columns, for changes that carry no key (truncate)
 */
record SourceTable(TableName name, List<Column> columns, List<String> identityKey) {

    /**
     * The table as the change's consumer describes it.
     *
     * @throws SinkException if the source catalog no longer has the table
     */
    static SourceTable describe(SourceTables source, TableName table) throws SQLException {
        TableShape shape = source.shape(table);
        if (shape == null || shape.columns().isEmpty()) {
            throw new SinkException("Source table " + table + " was not found in the source catalog (dropped or"
                    + " renamed since the change was written?): its target table cannot be created");
        }
        List<Column> columns = shape.columns().stream().map(column -> new Column(column.name(),
                column.declaredType(), column.notNull(), column.base().name(), column.base().kind(),
                column.base().category(), column.base().elementKind(), column.base().typmod())).toList();
        return new SourceTable(table, columns, shape.key());
    }

    /**
     * One column. {@code declaredType} is {@code format_type}'s text, schema-qualified and quoted where needed; the
     * other type fields describe the type under any domains: what the value really is.
     *
     * @param baseType the base type's name ({@code pg_type.typname}, e.g. int4, numeric, _int4)
     * @param kind     {@code pg_type.typtype} of the base type: b base, c composite, e enum, r range, m multirange
     * @param category {@code pg_type.typcategory}: A for arrays
     * @param elementKind for arrays, the element type's typtype (c for arrays of composites), else 0
     * @param typmod   the base type's modifier (length, precision), -1 when none
     */
    record Column(String name, String declaredType, boolean notNull, String baseType, char kind, char category,
                  char elementKind, int typmod) {

        boolean isArray() {
            return category == 'A';
        }

        boolean holdsComposite() {
            return kind == 'c' || elementKind == 'c';
        }

        /** numeric's precision, or -1 when unconstrained. */
        int numericPrecision() {
            return typmod < 4 ? -1 : ((typmod - 4) >> 16) & 0xffff;
        }

        /** numeric's scale (negative since PostgreSQL 15), meaningful only with a precision. */
        int numericScale() {
            return ((((typmod - 4) & 0x7ff) ^ 1024) - 1024);
        }

        /** varchar(n)/char(n)'s n, or -1 when unbounded. */
        int length() {
            return typmod < 4 ? -1 : typmod - 4;
        }
    }
}
