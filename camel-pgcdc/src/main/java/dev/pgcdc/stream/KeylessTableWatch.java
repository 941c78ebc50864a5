package dev.pgcdc.stream;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

import dev.pgcdc.connect.LazyConnection;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.setup.SetupPlanner;
import dev.pgcdc.pg.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically looks for published tables without replica identity (run it on a scheduler): a table created while
 * the consumer runs is published at once by a FOR ALL TABLES (or schema) publication, and PostgreSQL then rejects
 * its UPDATEs and DELETEs. Warns once per table that appears, with the fix; setup has warned about those present at
 * start.
 */
public final class KeylessTableWatch implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeylessTableWatch.class);
    private static final String KEYLESS_PUBLISHED = "SELECT pt.schemaname, pt.tablename"
            + " FROM pg_catalog.pg_publication_tables pt"
            + " JOIN pg_catalog.pg_namespace n ON n.nspname = pt.schemaname"
            + " JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename"
            + " WHERE pt.pubname = ? AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS"
            + "   (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))";

    private final LazyConnection connection;
    private final String slotName;
    private final String publication;
    /** At the latest look; before the first, those setup warned about at start. */
    private volatile Set<TableName> keyless;

    /** @param warnedAtStart the published tables without replica identity that setup warned about at start */
    public KeylessTableWatch(PgConnector connector, String slotName, String publication,
                             Set<TableName> warnedAtStart) {
        this.connection = new LazyConnection(connector, "pgcdc keyless table watch");
        this.slotName = slotName;
        this.publication = publication;
        this.keyless = Set.copyOf(warnedAtStart);
    }

    @Override
    public synchronized void run() {
        Set<TableName> found = new HashSet<>();
        try (PreparedStatement ps = connection.get().prepareStatement(KEYLESS_PUBLISHED)) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(TableName.of(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            LOG.debug("Keyless table watch could not read publication {}: {}", publication, e.getMessage());
            close();
            return;
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
        connection.close();
    }
}
