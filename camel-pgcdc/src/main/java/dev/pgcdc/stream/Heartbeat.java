package dev.pgcdc.stream;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.pgcdc.connect.LazyConnection;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.Identifiers;
import dev.pgcdc.task.Periodic;

/**
 * Writes a little WAL now and then (run it on a scheduler, through {@link Periodic#guard}), so that the slot's
 * confirmed position can advance even when the captured tables are idle: otherwise an idle slot pins the WAL that
 * other activity produces. Heartbeats never reach the route.
 *
 * <p>Two forms: a transactional logical decoding message (any role may emit one, no table needed; pgoutput does not
 * forward it unless messages are asked for, and then the session drops it by its prefix, but its commit moves the
 * stream) or an upsert into a heartbeat table that is in the publication (its change is filtered out before
 * delivery).
 */
public final class Heartbeat implements Periodic.Task, AutoCloseable {

    /** The prefix of heartbeat messages, so consumers of the same database can recognise and skip them. */
    public static final String MESSAGE_PREFIX = "pgcdc-heartbeat";

    private final LazyConnection connection;
    private final String slotName;
    private final String sql;

    private Heartbeat(PgConnector connector, String slotName, String sql) {
        this.connection = new LazyConnection(connector, "pgcdc heartbeat");
        this.slotName = slotName;
        this.sql = sql;
    }

    public static Heartbeat viaMessage(PgConnector connector, String slotName) {
        return new Heartbeat(connector, slotName,
                "SELECT pg_catalog.pg_logical_emit_message(true, " + Identifiers.quoteLiteral(MESSAGE_PREFIX) + ", ?)");
    }

    /** Upserts the slot's row of {@code schema.table (slot_name text PRIMARY KEY, beat timestamptz)}. */
    public static Heartbeat viaTable(PgConnector connector, String slotName, String schema, String table) {
        return new Heartbeat(connector, slotName, "INSERT INTO " + Identifiers.quote(schema, table)
                + " (slot_name, beat) VALUES (?, now()) ON CONFLICT (slot_name) DO UPDATE SET beat = EXCLUDED.beat");
    }

    /** A failed beat is not fatal: the stream still advances with other activity; the slot monitor shows lag. */
    @Override
    public void run() throws SQLException {
        try (PreparedStatement ps = connection.get().prepareStatement(sql)) {
            ps.setString(1, slotName);
            ps.execute();
        } catch (Throwable e) {
            connection.reset(); // in doubt after any failure: the next beat opens another
            throw e;
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
