package dev.pgcdc.pg;

import java.util.List;

/**
 * What the decoder asks the database about beyond what the plugin sends: how a non-built-in type is made, which
 * columns are a table's primary key, and (for wal2json, which does not describe relations) a table's columns. The
 * replication connection is busy streaming, so an implementation uses an ordinary connection of its own.
 */
public interface Catalog extends TypeCatalog {

    /** Knows nothing: types the decoder does not know stay text, keys are what the server flags. */
    Catalog NONE = new Catalog() {
        @Override
        public TypeDescription type(int oid) {
            return null;
        }

        @Override
        public List<String> primaryKey(int relationOid) {
            return List.of();
        }

        @Override
        public TableDescription table(String schema, String table) {
            return null;
        }
    };

    /**
     * The relation's primary key columns in key order; if it has none, its replica identity index's columns;
     * empty if neither exists; null if there is no such relation (any more).
     */
    List<String> primaryKey(int relationOid);

    /** The table's columns and replica identity as they are now, or null if there is no such table. */
    TableDescription table(String schema, String table);
}
