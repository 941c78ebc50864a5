package dev.pgcdc.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.replication.LogSequenceNumber;

/**
 * A replication slot of the server, by name: its state as {@code pg_replication_slots} shows it (version-aware: the
 * catalog grew columns over releases), and the two ends of a pipeline's life on the server, create and drop, and
 * advance. Every question pgcdc asks about its slot goes through here.
 */
public final class ReplicationSlot {

    /** How the consumer recovers once the slot is gone: what a restart does, exactly. */
    public static final String RECREATION = "restart the consumer: it creates the slot again and forgets the snapshot"
            + " progress saved for the old one, so with snapshotMode=initial (the default) or always it snapshots"
            + " every table again (snapshotMode=never snapshots nothing: start once with initial).";

    /** The server's error when the slot exists (duplicate_object). */
    private static final String DUPLICATE_OBJECT = "42710";

    // pg_current_wal_lsn() fails on a standby; CASE does not evaluate it there
    private static final String STATE_SQL = """
            WITH here AS (SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END AS lsn)
            SELECT slot_name, plugin, slot_type, database, active, active_pid,
                   COALESCE((confirmed_flush_lsn - '0/0'::pg_lsn)::bigint, 0),
                   COALESCE((restart_lsn - '0/0'::pg_lsn)::bigint, 0),
                   COALESCE((here.lsn - confirmed_flush_lsn)::bigint, -1),
                   COALESCE((here.lsn - restart_lsn)::bigint, -1),
                   %s, here.lsn::text
            FROM pg_catalog.pg_replication_slots, here WHERE slot_name = ?""";

    private final String name;

    public ReplicationSlot(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The slot's state, or null when it does not exist. */
    public SlotState read(Connection connection) throws SQLException {
        int major = connection.getMetaData().getDatabaseMajorVersion();
        String columns = (major >= 13
                ? "wal_status, safe_wal_size, current_setting('max_slot_wal_keep_size') <> '-1', "
                : "NULL::text, NULL::bigint, false, ")
                + (major >= 17 ? "invalidation_reason, failover, synced" : "NULL::text, NULL::boolean, NULL::boolean");
        try (PreparedStatement ps = connection.prepareStatement(STATE_SQL.formatted(columns))) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Number safe = (Number) rs.getObject(12);
                return new SlotState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), (Integer) rs.getObject(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                        rs.getLong(10), rs.getString(11), safe == null ? null : safe.longValue(), rs.getString(14),
                        rs.getBoolean(13), (Boolean) rs.getObject(15), (Boolean) rs.getObject(16),
                        rs.getString(17));
            }
        }
    }

    /** The message for a slot that disappeared while the consumer ran. */
    public String missingMessage() {
        return "Replication slot " + Identifiers.quoteLiteral(name) + " does not exist (it was dropped while the"
                + " consumer ran), so changes made since are in no stream: " + RECREATION;
    }

    /**
     * Creates the slot as a logical slot for the plugin.
     *
     * @param failover whether it is a failover slot, synced to standbys (PostgreSQL 17+)
     * @return false when another session (a second instance starting at the same moment) created it first
     */
    public boolean createLogical(Connection connection, String plugin, boolean failover) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(createLogicalStatement(plugin, failover));
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
                requireSame(connection, plugin);
                return false;
            }
            throw e;
        }
    }

    /**
     * The SQL that creates the slot as a logical slot for the plugin, as {@link #createLogical} runs it and as an
     * administrator may run it (outside a transaction that has written anything).
     *
     * @param failover whether it is a failover slot, synced to standbys (PostgreSQL 17+)
     */
    public String createLogicalStatement(String plugin, boolean failover) {
        return "SELECT pg_catalog.pg_create_logical_replication_slot(" + Identifiers.quoteLiteral(name) + ", "
                + Identifiers.quoteLiteral(plugin) + (failover ? ", failover => true" : "") + ")";
    }

    /**
     * Creates the slot as a temporary logical slot (PostgreSQL 10+), which disappears by itself when the session
     * ends, so it cannot be left behind to pin WAL.
     */
    public void createTemporary(Connection connection, String plugin) throws SQLException {
        execute(connection, "SELECT pg_catalog.pg_create_logical_replication_slot(?, ?, true)", name, plugin);
    }

    /**
     * Copies this logical slot into a temporary slot of the connection's session (PostgreSQL 12+): same plugin, same
     * confirmed and restart positions. Consuming the copy leaves this slot where it is; the copy disappears with the
     * session.
     *
     * @return the copy
     */
    public ReplicationSlot copyToTemporary(Connection connection, String copyName) throws SQLException {
        execute(connection, "SELECT pg_catalog.pg_copy_logical_replication_slot(?, ?, true)", name, copyName);
        return new ReplicationSlot(copyName);
    }

    /** The slot another session created must be the one we would have: logical, same plugin, this database. */
    private void requireSame(Connection connection, String plugin) throws SQLException {
        SlotState state = read(connection);
        if (state == null) {
            return; // created and dropped again meanwhile: the stream start reports it clearly
        }
        String database;
        try (PreparedStatement ps = connection.prepareStatement("SELECT current_database()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            database = rs.getString(1);
        }
        if (!state.isLogical() || !plugin.equals(state.plugin()) || !database.equals(state.database())) {
            throw new SQLException("Replication slot " + name + " was just created by another session as a "
                    + state.slotType() + " slot" + (state.plugin() == null ? "" : " for " + state.plugin())
                    + (state.database() == null ? "" : " in database " + state.database()) + ", not as a logical"
                    + " slot for " + plugin + " in " + database + ": choose another slot name, or drop it: SELECT"
                    + " pg_drop_replication_slot(" + Identifiers.quoteLiteral(name) + ");", DUPLICATE_OBJECT);
        }
    }

    /** A held {@link #lockCreation} lock; closing releases it. */
    public interface CreationLock extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    /**
     * Serialises the instances that may create this slot (a session advisory lock on {@code connection}, keyed by
     * the slot's name): whoever holds it and still finds the slot missing is the one that creates it, so work that
     * must happen once per new slot, before it exists, runs exactly there; a crash in between leaves the slot missing
     * and the next start does that work again.
     */
    public CreationLock lockCreation(Connection connection) throws SQLException {
        advisory(connection, "pg_advisory_lock");
        return () -> advisory(connection, "pg_advisory_unlock");
    }

    private void advisory(Connection connection, String function) throws SQLException {
        // the two-int form, its first int ASCII "pgcS", keeps the key apart from one-bigint application locks
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_catalog." + function + "(x'70676353'::int, pg_catalog.hashtext(?))")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    /** Whether the slot exists on the server of {@code connection}. */
    public boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The replication command that makes the existing slot a failover slot (PostgreSQL 17+): there is no SQL function
     * for it, only a replication connection ({@code replication=database}) may run it, and only while no process
     * streams from the slot.
     */
    public String alterToFailoverCommand() {
        return "ALTER_REPLICATION_SLOT " + Identifiers.quote(name) + " ( FAILOVER true )";
    }

    /** Drops the slot if it exists; fails if a process is streaming from it. */
    public void drop(Connection connection) throws SQLException {
        execute(connection, "SELECT pg_catalog.pg_drop_replication_slot(slot_name)"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ?", name);
    }

    /**
     * Moves the slot's confirmed position forward to {@code lsn} (never back), without decoding what lies before:
     * those changes are skipped for good.
     *
     * @return the position the slot has now
     */
    public long advance(Connection connection, long lsn) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT (end_lsn - '0/0'::pg_lsn)::bigint"
                + " FROM pg_catalog.pg_replication_slot_advance(?, ?::pg_lsn)")) {
            ps.setString(1, name);
            ps.setString(2, LogSequenceNumber.valueOf(lsn).asString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Ends the server process {@code pid} if it holds the slot; only that process, so another one streaming from the
     * slot is never touched.
     *
     * @return whether it was ended
     */
    public boolean terminateHolder(Connection connection, int pid) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_catalog.pg_terminate_backend(active_pid)"
                + " FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND active_pid = ?")) {
            ps.setString(1, name);
            ps.setInt(2, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void execute(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            ps.execute();
        }
    }
}
