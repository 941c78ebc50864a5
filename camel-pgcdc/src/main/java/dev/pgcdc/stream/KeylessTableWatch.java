package dev.pgcdc.stream;

import java.sql.SQLException;
import java.util.Set;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import dev.pgcdc.setup.SetupPlanner;
import dev.pgcdc.task.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically looks for published tables without replica identity (run it on a scheduler, through
 * {@link Periodic#guard}): a table created while the consumer runs is published at once by a FOR ALL TABLES (or
 * schema) publication, and PostgreSQL then rejects its UPDATEs and DELETEs. Warns once per table that appears, with
 * the fix; setup has warned about those present at start.
 */
public final class KeylessTableWatch implements Periodic.Task, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeylessTableWatch.class);

    private final PgCatalog catalog;
    private final String slotName;
    private final String publication;
    /** At the latest look; before the first, those setup warned about at start. */
    private volatile Set<TableName> keyless;

    /** @param warnedAtStart the published tables without replica identity that setup warned about at start */
    public KeylessTableWatch(PgConnector connector, String slotName, String publication,
                             Set<TableName> warnedAtStart) {
        this.catalog = new PgCatalog(connector, "pgcdc keyless table watch");
        this.slotName = slotName;
        this.publication = publication;
        this.keyless = Set.copyOf(warnedAtStart);
    }

    @Override
    public synchronized void run() throws SQLException {
        Set<TableName> found;
        try {
            found = catalog.publishedWithoutIdentity(publication);
        } catch (Throwable e) {
            catalog.reset(); // in doubt after any failure: the next look opens another connection
            throw e;
        }
        for (TableName table : found) {
            if (!keyless.contains(table)) {
                LOG.warn("pgcdc:{}: {}", slotName, SetupPlanner.publishedWithoutIdentity(table, publication));
            }
        }
        keyless = Set.copyOf(found);
    }

    /** The published tables without replica identity at the latest look. */
    public Set<TableName> keylessTables() {
        return keyless;
    }

    @Override
    public void close() {
        catalog.close();
    }
}
