package dev.pgcdc.pg;

import java.sql.SQLException;

/**
 * The source tables of a change as the consumer that captured it sees them. The consumer attaches it to every change
 * exchange under {@link #PROPERTY}, so that a producer (the sink) learns a table's columns, types and key from the
 * same catalog as the stream, without knowing the consumer.
 */
public interface SourceTables {

    /** The exchange property that holds it. */
    String PROPERTY = "CamelPgCdcSourceTables";

    /**
     * The table's shape with only the columns the stream carries (published, not generated, not excluded).
     *
     * @return null if there is no such table (dropped or renamed since)
     */
    TableShape shape(TableName table) throws SQLException;
}
