package dev.pgcdc.setup;

/** How a publication selects its tables; each form needs different privileges to create. */
public enum PublicationForm {
    /** {@code FOR TABLE a, b}: PG10+, the creator must own the tables. */
    TABLE_LIST,
    /** {@code FOR TABLES IN SCHEMA s} (possibly with listed tables too): PG15+, superuser. */
    TABLES_IN_SCHEMA,
    /** {@code FOR ALL TABLES}: superuser. */
    ALL_TABLES
}
