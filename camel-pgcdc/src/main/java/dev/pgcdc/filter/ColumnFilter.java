package dev.pgcdc.filter;

/** Which columns leave the decoder: excluded ones are skipped, never decoded, and appear in no row map. */
@FunctionalInterface
public interface ColumnFilter {

    ColumnFilter ALL = (schema, table, column) -> true;

    boolean includes(String schema, String table, String column);
}
