package dev.pgcdc.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import dev.pgcdc.sql.Sql;

/**
 * Checks, before streaming starts, what streaming cannot do without: logical WAL, the publication and the slot.
 * Creates the publication and the slot when they are missing and the user may create them; otherwise fails with
 * the SQL to run.
 */
public final class StreamPreflight {

    private final Connection connection;
    private final String slotName;
    private final String publication;
    private final List<String[]> tables;

    public StreamPreflight(Connection connection, String slotName, String publication, List<String[]> tables) {
        this.connection = connection;
        this.slotName = slotName;
        this.publication = publication;
        this.tables = tables;
    }

    public void run() throws SQLException {
        checkWalLevel();
        ensurePublication();
        ensureSlot();
    }

    private void checkWalLevel() throws SQLException {
        String walLevel = single("SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            throw new IllegalStateException("The server runs with wal_level=" + walLevel + "; logical replication needs"
                    + " wal_level=logical. Run: ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL.");
        }
    }

    private void ensurePublication() throws SQLException {
        if (exists("SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?", publication)) {
            return;
        }
        String create = "CREATE PUBLICATION " + Sql.identifier(publication) + (tables.isEmpty() ? " FOR ALL TABLES"
                : " FOR TABLE " + tables.stream().map(t -> Sql.qualified(t[0], t[1])).collect(Collectors.joining(", ")));
        try (Statement statement = connection.createStatement()) {
            statement.execute(create);
        } catch (SQLException e) {
            throw new IllegalStateException("Publication " + Sql.identifier(publication) + " does not exist and could"
                    + " not be created (" + e.getMessage() + "). Ask an administrator to run: " + create + ";", e);
        }
    }

    private void ensureSlot() throws SQLException {
        String plugin = single("SELECT plugin FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", slotName);
        if (plugin == null) {
            String create = "SELECT pg_catalog.pg_create_logical_replication_slot(" + Sql.literal(slotName)
                    + ", 'pgoutput')";
            try (Statement statement = connection.createStatement()) {
                statement.execute(create);
            } catch (SQLException e) {
                throw new IllegalStateException("Replication slot " + slotName + " does not exist and could not be"
                        + " created (" + e.getMessage() + "). Ask an administrator to run: " + create + ";", e);
            }
        } else if (!"pgoutput".equals(plugin)) {
            throw new IllegalStateException("Replication slot " + slotName + " uses the output plugin " + plugin
                    + ", not pgoutput. Use another slot name, or drop it if nothing else needs it: SELECT"
                    + " pg_catalog.pg_drop_replication_slot(" + Sql.literal(slotName) + ");");
        }
    }

    private boolean exists(String sql, String parameter) throws SQLException {
        return single(sql, parameter) != null;
    }

    private String single(String sql, String... parameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
