package dev.pgcdc;

/** The logical decoding output plugin the slot uses (option {@code plugin}). */
public enum Plugin {
    /** PostgreSQL's built-in plugin: streams a publication. */
    PGOUTPUT,
    /** The wal2json extension: needs no publication. */
    WAL2JSON
}
