package dev.pgcdc.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the slot's health from the server; version-aware, because the catalog grew columns over releases. */
public final class SlotMonitor {

    private final String slotName;

    public SlotMonitor(String slotName) {
        this.slotName = slotName;
    }

    /** The slot's state, or null when the slot does not exist. */
    public SlotStatus read(Connection connection) throws SQLException {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        boolean standby = standby(connection);
        String current = standby ? "NULL::pg_lsn" : "pg_current_wal_lsn()";
        String sql = "SELECT active, active_pid,"
                + " COALESCE((" + current + " - confirmed_flush_lsn)::bigint, -1),"
                + " COALESCE((" + current + " - restart_lsn)::bigint, -1),"
                + (version >= 13 ? " wal_status, safe_wal_size," : " NULL::text, NULL::bigint,")
                + (version >= 17 ? " invalidation_reason," : " NULL::text,")
                + (version >= 13 ? " current_setting('max_slot_wal_keep_size') <> '-1'," : " false,")
                + " " + current + "::text"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Number safe = (Number) rs.getObject(6);
                return new SlotStatus(slotName, rs.getBoolean(1), (Integer) rs.getObject(2), rs.getLong(3),
                        rs.getLong(4), rs.getString(5), safe == null ? null : safe.longValue(), rs.getString(7),
                        rs.getBoolean(8), rs.getString(9));
            }
        }
    }

    private static boolean standby(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_is_in_recovery()");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
