package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.BooleanSupplier;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.BlockingCall;
import dev.pgcdc.pg.ReplicationSlot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The slot of a consumer that decodes from a hot standby (option primaryHost, PostgreSQL 16+). */
final class StandbySlot {

    private static final Logger LOG = LoggerFactory.getLogger(StandbySlot.class);
    /** The server's error for a function the role may not execute. */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private StandbySlot() {
    }

    /**
     * Makes sure the slot exists on the standby: warns about what the standby lacks, and in auto mode creates the slot
     * when it is missing, telling {@code newSlot} (the caller holds the slot's creation lock).
     *
     * @throws SetupFailedException in validate mode when the slot is missing, with the statement that creates it
     */
    static void prepare(SetupServers servers, SetupPlan plan, SetupMode mode, Setup.NewSlot newSlot,
                        BooleanSupplier stopping) throws SQLException, InterruptedException {
        String slot = plan.request().slotName();
        String plugin = plan.request().plugin();
        PgConnector standby = servers.slotServer();
        warnWithoutFeedback(standby, slot);
        ReplicationSlot replicationSlot = new ReplicationSlot(slot);
        boolean exists;
        try (Connection connection = standby.openBounded("pgcdc " + slot + " setup")) {
            exists = replicationSlot.exists(connection);
        }
        if (exists) {
            return;
        }
        if (mode == SetupMode.VALIDATE) {
            throw new SetupFailedException(plan.with(PlannedStatement.slotCreation(
                    plan.facts().user().canReplicate(), replicationSlot.createLogicalStatement(plugin, false),
                    "Replication slot " + slot + " does not exist on the standby " + standby.settings() + ", which"
                            + " pgcdc decodes from (primaryHost). pgcdc creates it itself with setupMode=auto;"
                            + " otherwise a role with replication rights runs it on that standby, in database "
                            + plan.facts().database() + ". It completes once the standby replays a record of the"
                            + " primary's running transactions (at once after SELECT pg_log_standby_snapshot(); on"
                            + " the primary).")), mode);
        }
        newSlot.before();
        boolean created = create(standby, servers.primary(), slot, plugin, stopping);
        if (created) {
            newSlot.created();
        }
        LOG.info("pgcdc:{}: {} the replication slot on the standby", slot,
                created ? "created" : "another instance has just created");
    }

    /**
     * Refuses a standby older than PostgreSQL 16 and warns when it lacks hot_standby_feedback: without it the
     * primary's vacuum removes catalog rows the slot still needs, and the standby then invalidates the slot.
     */
    private static void warnWithoutFeedback(PgConnector standby, String slot) throws SQLException {
        try (Connection connection = standby.openBounded("pgcdc " + slot + " setup");
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery(),"
                        + " current_setting('hot_standby_feedback')::bool, current_setting('server_version_num')::int")) {
            row.next();
            if (!row.getBoolean(1)) {
                return; // host is a primary now (a promoted standby): nothing standby-specific applies
            }
            if (row.getInt(3) < 160000) {
                throw new SQLException("Decoding from a standby (option primaryHost) needs PostgreSQL 16 or newer;"
                        + " " + standby.settings() + " is older. Point host at the primary and remove primaryHost.");
            }
            if (!row.getBoolean(2)) {
                LOG.warn("pgcdc:{}: the standby {} has hot_standby_feedback off, so the primary may remove catalog rows"
                        + " the slot still needs and the standby then invalidates the slot (it is lost). On the"
                        + " standby: ALTER SYSTEM SET hot_standby_feedback = on; SELECT pg_reload_conf();", slot,
                        standby.settings());
            }
        }
    }

    /**
     * Creates the slot on the standby. The standby finishes creating it once it replays a record of the
     * transactions running on the primary: the primary logs one every 15 s while it writes, and at once on
     * {@code pg_log_standby_snapshot()}, which is asked for when the role may.
     *
     * @return false when another session (a second instance starting at the same moment) created it first
     */
    private static boolean create(PgConnector standby, PgConnector primary, String slot, String plugin,
                                  BooleanSupplier stopping) throws SQLException, InterruptedException {
        try (BlockingCall<Boolean> created = BlockingCall.start(standby, "pgcdc " + slot + " standby slot",
                onStandby -> new ReplicationSlot(slot).createLogical(onStandby, plugin, false));
             Connection onPrimary = primary.openBounded("pgcdc " + slot + " setup")) {
            long deadline = System.nanoTime() + Setup.CREATE_TIMEOUT.toNanos();
            boolean mayLog = true;
            while (true) {
                if (mayLog) {
                    mayLog = logStandbySnapshot(onPrimary, slot);
                }
                if (created.await(1000)) {
                    return created.result();
                }
                if (stopping.getAsBoolean()) {
                    throw new BlockingCall.StoppedException("pgcdc " + slot + " standby slot: the consumer stopped"
                            + " while it waited");
                }
                if (System.nanoTime() > deadline) {
                    throw new SQLException("The standby " + standby.settings() + " did not finish creating slot "
                            + slot + " within " + Setup.CREATE_TIMEOUT.toSeconds() + " s: it waits for a record of"
                            + " the running transactions from the primary. Run SELECT pg_log_standby_snapshot(); on"
                            + " the primary, or check that the standby replays.");
                }
            }
        }
    }

    /** @return whether to ask again: false once the role turned out not to be allowed */
    private static boolean logStandbySnapshot(Connection primary, String slot) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            statement.execute("SELECT pg_catalog.pg_log_standby_snapshot()");
            return true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            LOG.info("pgcdc:{}: waiting for the primary to log its running transactions (up to 15 s; the role may not"
                    + " run pg_log_standby_snapshot())", slot);
            return false;
        }
    }
}
