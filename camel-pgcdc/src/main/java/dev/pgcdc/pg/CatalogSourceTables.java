package dev.pgcdc.pg;

import java.sql.SQLException;
import java.util.function.BiPredicate;

import dev.pgcdc.connect.PgConnector;

/**
 * {@link SourceTables} over a catalog connection of its own, opened on first use and kept; a kept connection that
 * fails is replaced once, since it may just have gone stale; once closed (its consumer stopped) it answers no more.
 * Asked from the producer's threads, so synchronized.
 */
public final class CatalogSourceTables implements SourceTables, AutoCloseable {

    private final PgConnector connector;
    private final String applicationName;
    private final String publication;
    private final BiPredicate<TableName, String> streamed;
    private PgCatalog catalog;
    /** Its consumer stopped: no connection is opened from then on. */
    private boolean closed;

    /**
     * @param publication the publication the stream reads (its column lists apply), or null (wal2json)
     * @param streamed    whether the stream carries a column of a table (its excludeColumns)
     */
    public CatalogSourceTables(PgConnector connector, String applicationName, String publication,
                               BiPredicate<TableName, String> streamed) {
        this.connector = connector;
        this.applicationName = applicationName;
        this.publication = publication;
        this.streamed = streamed;
    }

    @Override
    public synchronized TableShape shape(TableName table) throws SQLException {
        if (closed) {
            // an exchange of a stopped consumer still on its way: it is delivered again after the next start
            throw new IllegalStateException("The consumer whose source tables describe " + table + " has stopped ("
                    + applicationName + ")");
        }
        return shapeKeepingConnection(table);
    }

    private TableShape shapeKeepingConnection(TableName table) throws SQLException {
        boolean reused = catalog != null;
        try {
            return read(table);
        } catch (SQLException e) {
            closeCatalog();
            if (!reused) {
                throw e;
            }
            try {
                return read(table);
            } catch (SQLException again) {
                closeCatalog();
                throw again;
            }
        }
    }

    private TableShape read(TableName table) throws SQLException {
        if (catalog == null) {
            catalog = new PgCatalog(connector, applicationName);
        }
        TableShape shape = catalog.shape(table, publication);
        if (shape == null) {
            return null;
        }
        var carried = shape.streamedColumns();
        return shape.retaining(column -> carried.contains(column) && streamed.test(table, column.name()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeCatalog();
    }

    private void closeCatalog() {
        if (catalog != null) {
            catalog.close();
            catalog = null;
        }
    }
}
