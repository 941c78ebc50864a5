package dev.pgcdc.setup;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HexFormat;

import dev.pgcdc.pg.ReplicationSlot;

/**
 * Tells whether the server can load a logical decoding output plugin by creating a temporary logical slot with it
 * and dropping it again: the one check any role that may replicate can run. A temporary slot (PostgreSQL 10+) also
 * disappears by itself if the session ends first, so the probe cannot leave a slot behind that pins WAL.
 */
final class PluginProbe {

    /** {@code undefined_file}: "could not access file "wal2json": No such file or directory". */
    private static final String UNDEFINED_FILE = "58P01";
    /** Also raised for a role without REPLICATION; the hint naming the setting tells the two apart. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection connection;

    PluginProbe(Connection connection) {
        this.connection = connection;
    }

    /** @return never null; UNKNOWN when the probe failed for a reason the plan reports on its own */
    PluginAvailability availability(String plugin) throws SQLException {
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        ReplicationSlot slot = new ReplicationSlot("pgcdc_probe_" + HexFormat.of().formatHex(suffix));
        // inside a transaction a failed probe must not abort the caller's work
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try {
            slot.createTemporary(connection, plugin);
            slot.drop(connection);
            return PluginAvailability.LOADABLE;
        } catch (SQLException e) {
            if (savepoint != null) {
                connection.rollback(savepoint);
            }
            if (UNDEFINED_FILE.equals(e.getSQLState())) {
                return PluginAvailability.NOT_INSTALLED;
            }
            boolean disallowed = INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) && e.getMessage() != null
                    && e.getMessage().contains("output_plugin_libraries");
            return disallowed ? PluginAvailability.NOT_ALLOWED : PluginAvailability.UNKNOWN;
        } finally {
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
        }
    }
}
