package dev.pgcdc.pg;

import java.util.List;
import java.util.function.Predicate;

/**
 * A table as the catalog describes it now: its live columns, its key as the stream sees it, and what a publication
 * publishes of it.
 *
 * @param replicaIdentity {@code pg_class.relreplident}: d default, i index, f full, n nothing
 * @param primaryKey      the primary key's columns in index order; empty if the table has none
 * @param key             the columns that identify a row in the stream, in the key index's order: the replica
 *                        identity index's under USING INDEX, else the primary key's (DEFAULT; FULL and NOTHING when the
 *                        table has one); empty when there is neither (under FULL the whole row is then the identity)
 * @param publication     what the publication asked about publishes of the table, or null if none was asked about
 * @param estimatedRows   {@code pg_class.reltuples}: rows at the last VACUUM/ANALYZE; 0 or less when unknown
 */
public record TableShape(TableName name, int oid, char replicaIdentity, List<Column> columns, List<String> primaryKey,
                         List<String> key, Publication publication, long estimatedRows) {

    public static final char IDENTITY_DEFAULT = 'd';
    public static final char IDENTITY_INDEX = 'i';
    public static final char IDENTITY_FULL = 'f';
    public static final char IDENTITY_NOTHING = 'n';

    /**
     * One live (not dropped) column.
     *
     * @param declaredType the type as SQL declares it ({@code format_type}: {@code numeric(10,2)}, {@code text[]})
     * @param identity     whether pgoutput flags it as part of the replica identity (every column under FULL, none
     *                     under NOTHING)
     * @param generated    a generated column, which pgoutput does not send
     * @param base         the type under any domains: what the value really is
     */
    public record Column(String name, int typeOid, int typeModifier, String declaredType, boolean notNull,
                         boolean identity, boolean generated, BaseType base) {
    }

    /**
     * A column's type under any domains (a domain's modifier is on its {@code pg_type} row).
     *
     * @param name        {@code pg_type.typname}, e.g. int4, numeric, _int4
     * @param kind        {@code typtype}: b base, c composite, e enum, r range, m multirange
     * @param category    {@code typcategory}: A for arrays
     * @param elementKind for arrays, the element type's {@code typtype} (c for arrays of composites), else 0
     * @param typmod      the modifier (length, precision), -1 when none
     */
    public record BaseType(String name, char kind, char category, char elementKind, int typmod) {
    }

    /**
     * What a publication publishes of the table.
     *
     * @param columnList the publication's column list (PostgreSQL 15+), or null: all columns
     * @param rowFilter  the publication's row filter (PostgreSQL 15+), or null: every row
     */
    public record Publication(String name, boolean includes, List<String> columnList, String rowFilter) {

        public Publication {
            columnList = columnList == null ? null : List.copyOf(columnList);
        }
    }

    public TableShape {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        key = List.copyOf(key);
    }

    /** The columns pgoutput sends, in attribute order: no generated ones, and only the publication's column list. */
    public List<Column> streamedColumns() {
        List<String> listed = publication == null ? null : publication.columnList();
        return columns.stream()
                .filter(column -> !column.generated() && (listed == null || listed.contains(column.name())))
                .toList();
    }

    /** This shape with only the columns {@code keep} accepts. */
    public TableShape retaining(Predicate<Column> keep) {
        return new TableShape(name, oid, replicaIdentity, columns.stream().filter(keep).toList(), primaryKey, key,
                publication, estimatedRows);
    }

    /** This shape with what a publication publishes of the table. */
    public TableShape publishedBy(Publication published) {
        return new TableShape(name, oid, replicaIdentity, columns, primaryKey, key, published, estimatedRows);
    }

    /** The column of that name, or null. */
    public Column column(String columnName) {
        for (Column column : columns) {
            if (column.name().equals(columnName)) {
                return column;
            }
        }
        return null;
    }
}
