package dev.pgcdc.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Creating and dropping the replication slot: the two ends of a pipeline's life on the server. */
public final class Slots {

    private Slots() {
    }

    /** The server's error when the slot exists (duplicate_object). */
    private static final String DUPLICATE_OBJECT = "42710";

    /**
     * Creates the slot.
     *
     * @return false when another session (a second instance starting at the same moment) created it first
     */
    public static boolean createLogical(Connection connection, String slotName, String plugin) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_catalog.pg_create_logical_replication_slot(?, ?)")) {
            ps.setString(1, slotName);
            ps.setString(2, plugin);
            ps.execute();
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                return false;
            }
            throw e;
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
