package dev.pgcdc.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.pgcdc.pg.Identifiers;

/** Creating and dropping the replication slot: the two ends of a pipeline's life on the server. */
public final class Slots {

    private Slots() {
    }

    /** The server's error when the slot exists (duplicate_object). */
    private static final String DUPLICATE_OBJECT = "42710";

    /**
     * Creates the slot.
     *
     * @param failover whether it is a failover slot, synced to standbys (PostgreSQL 17+)
     * @return false when another session (a second instance starting at the same moment) created it first
     */
    public static boolean createLogical(Connection connection, String slotName, String plugin, boolean failover)
            throws SQLException {
        // arguments: name, plugin, temporary, two_phase, failover (the last two from PostgreSQL 14 and 17)
        try (PreparedStatement ps = connection.prepareStatement(failover
                ? "SELECT pg_catalog.pg_create_logical_replication_slot(?, ?, false, false, true)"
                : "SELECT pg_catalog.pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, slotName);
            ps.setString(2, plugin);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                requireSame(connection, slotName, plugin);
                return false;
            }
            throw e;
        }
    }

    /**
     * Makes an existing slot a failover slot (PostgreSQL 17+). Only a replication connection may: there is no SQL
     * function for it.
     */
    public static void alterToFailover(Connection replicationConnection, String slotName) throws SQLException {
        try (Statement statement = replicationConnection.createStatement()) {
            statement.execute("ALTER_REPLICATION_SLOT " + Identifiers.quote(slotName) + " ( FAILOVER true )");
        }
    }

    /** The slot another session created must be the one we would have: logical, same plugin, this database. */
    private static void requireSame(Connection connection, String slotName, String plugin) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT slot_type, coalesce(plugin, ''),"
                + " coalesce(database::text, ''), current_database() FROM pg_catalog.pg_replication_slots"
                + " WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return; // created and dropped again meanwhile: the stream start reports it clearly
                }
                if (!"logical".equals(rs.getString(1)) || !plugin.equals(rs.getString(2))
                        || !rs.getString(3).equals(rs.getString(4))) {
                    throw new SQLException("Replication slot " + slotName + " was just created by another session as a "
                            + rs.getString(1) + " slot" + (rs.getString(2).isEmpty() ? "" : " for " + rs.getString(2))
                            + (rs.getString(3).isEmpty() ? "" : " in database " + rs.getString(3)) + ", not as a logical"
                            + " slot for " + plugin + " in " + rs.getString(4) + ": choose another slot name, or drop"
                            + " it: SELECT pg_drop_replication_slot('" + slotName + "');", DUPLICATE_OBJECT);
                }
            }
        }
    }

    /** Drops the slot if it exists; fails if a process is streaming from it. */
    public static void drop(Connection connection, String slotName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots"
                        + " WHERE slot_name = ?")) {
            ps.setString(1, slotName);
            ps.execute();
        }
    }
}
