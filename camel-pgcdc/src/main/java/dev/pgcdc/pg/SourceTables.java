package dev.pgcdc.pg;

import java.sql.SQLException;

/**
 * The source tables of a change as the consumer that captured it sees them. The endpoint a change exchange comes from
 * answers them ({@link Origin}), so that a producer (the sink) learns a table's columns, types and key from the same
 * catalog as the stream, without knowing the consumer, and a change exchange carries nothing for it.
 */
public interface SourceTables {

    /**
     * What a pgcdc endpoint is: as the from endpoint of an exchange its consumer created, it answers that consumer's
     * source tables.
     */
    interface Origin {

        /** @return the source tables of the endpoint's consumer, or null before it started */
        SourceTables sourceTables();
    }

    /**
     * The table's shape with only the columns the stream carries (published, not generated, not excluded).
     *
     * @return null if there is no such table (dropped or renamed since)
     */
    TableShape shape(TableName table) throws SQLException;
}
