package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.pg.BlockingCall;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.TableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole setup step as the consumer runs it at start: inspect, plan, and in auto mode apply and check again. */
public final class Setup {

    private static final Logger LOG = LoggerFactory.getLogger(Setup.class);
    /** How long the slot's creation may wait for other sessions' transactions before the start fails. */
    static final Duration CREATE_TIMEOUT = Duration.ofMinutes(2);
    /**
     * How long a start waits for another instance that holds the slot's creation lock. The holder's creation may take
     * up to {@link #CREATE_TIMEOUT}, and a waiter may arrive at any moment of it: with the same bound it could give up
     * just before the holder succeeds. Twice the bound outlasts any creation that the holder does not give up on.
     */
    static final Duration CREATE_LOCK_TIMEOUT = CREATE_TIMEOUT.multipliedBy(2);

    private Setup() {
    }

    /**
     * All of start-time preparation: runs setup (see {@link SetupMode}; a slot that slotFailover wants a failover slot
     * is altered like any other object setup plans), checks the change model's options against the server, and in
     * auto mode creates the slot when it is missing and the role may: on the primary, or on the standby decoded from.
     * Validate mode creates nothing and fails on a missing slot like on any other missing object. In plan mode only
     * logs the plan.
     *
     * @param connection    a JDBC connection to the primary
     * @param newSlot       its {@code before} runs when this instance is about to create the slot, which is missing
     *                      (progress saved under its name belongs to an earlier slot); instances starting at once take
     *                      turns, so only the creator runs it, and a crash before the creation leaves the slot missing,
     *                      so the next start runs it again
     * @param stopping      whether the consumer is being stopped: the slot's creation, which may wait long for
     *                      transactions of other sessions, then ends at once
     * @return the plan streaming starts with, whose warnings were logged; in plan mode the plan logged, and
     *         streaming must not start
     * @throws SetupFailedException when the server is not ready, with the SQL an administrator must run
     */
    public static SetupPlan prepare(Connection connection, SetupServers servers, SetupRequest request,
                                              SetupMode mode, ChangeModelPreflight changeModel,
                                              NewSlot newSlot, BooleanSupplier stopping)
            throws SQLException, InterruptedException {
        String slot = request.slotName();
        SetupOutcome outcome = run(connection, servers.slotServer(), request, mode,
                planned -> changeModel.run(planned.facts().existingTables().stream().map(TableFacts::name).toList()));
        SetupPlan plan = outcome.plan();
        if (mode == SetupMode.PLAN) {
            LOG.info("pgcdc:{}: setup plan (setupMode=plan, not streaming):{}{}", slot, System.lineSeparator(),
                    plan.describe());
            return plan;
        }
        plan.warnings().forEach(warning -> LOG.warn("pgcdc:{}: {}", slot, warning));
        ReplicationSlot replicationSlot = new ReplicationSlot(slot);
        if (request.slotElsewhere()) {
            // the lock's holder may be another instance creating the slot, for as long as a creation takes; the lock
            // is held by the call's session until it closes
            try (BlockingCall<Void> lock = BlockingCall.start(servers.primary(), "pgcdc " + slot
                    + " slot creation lock", locking -> {
                        replicationSlot.lockCreation(locking);
                        return null;
                    })) {
                lock.finish(CREATE_LOCK_TIMEOUT, stopping, "Setup waits for the creation lock of replication slot " + slot
                        + ", which another instance holds while it creates the slot.");
                StandbySlot.prepare(servers, plan, mode, newSlot, stopping);
            }
            return plan;
        }
        if (plan.connectorCreatesSlot() && !replicationSlot.exists(connection)) {
            BlockingCall.run(servers.primary(), "pgcdc " + slot + " slot creation", CREATE_TIMEOUT, stopping,
                    "Creating replication slot " + slot + " waits for every transaction that has a transaction id"
                            + " and is open when it starts, and for another instance creating it.",
                    creating -> {
                        createUnderLock(creating, replicationSlot, request, newSlot);
                        return null;
                    });
        }
        if (request.slotFailover() && servers.slotServer().settings().isHostList()) {
            StandbyInspector.missingOnStandbys(servers.slotServer(), slot)
                    .forEach(warning -> LOG.warn("pgcdc:{}: {}", slot, warning));
        }
        return plan;
    }

    /** Whoever holds the slot's creation lock and still finds it missing creates it. */
    private static void createUnderLock(Connection connection, ReplicationSlot replicationSlot, SetupRequest request,
                                        NewSlot newSlot) throws SQLException {
        try (ReplicationSlot.CreationLock lock = replicationSlot.lockCreation(connection)) {
            if (!replicationSlot.exists(connection)) {
                newSlot.before();
                boolean created = replicationSlot.createLogical(connection, request.plugin(), request.slotFailover());
                if (created) {
                    newSlot.created();
                }
                LOG.info("pgcdc:{}: {} the replication slot{}", request.slotName(),
                        created ? "created" : "another instance has just created",
                        request.slotFailover() ? " (failover)" : "");
            }
        }
    }

    /** What the caller does once per new slot (see {@link #prepare}). */
    @FunctionalInterface
    public interface NewSlot {
        /** Before it is created. */
        void before() throws SQLException;

        /** Once this instance created it (not another one, starting at the same moment). */
        default void created() {
        }
    }

    /** Whether the table (or any relation of that name) exists. */
    public static boolean exists(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table.quoted());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /**
     * @throws SetupFailedException when the mode is AUTO or VALIDATE and the server is not ready; its message holds
     *                              the blockers and the SQL an administrator must run
     */
    public static SetupOutcome run(Connection connection, SetupRequest request, SetupMode mode) {
        return run(connection, null, request, mode);
    }

    /**
     * As {@link #run(Connection, SetupRequest, SetupMode)}, with the server the slot lives on for the replication
     * commands the plan may hold (null: the plan must hold none for the connector).
     */
    public static SetupOutcome run(Connection connection, PgConnector slotServer, SetupRequest request,
                                   SetupMode mode) {
        return run(connection, slotServer, request, mode, plan -> { });
    }

    /**
     * As {@link #run(Connection, PgConnector, SetupRequest, SetupMode)}, with a check of the options against the
     * server. A start that fails changes nothing: in AUTO the connector's statements run only once nothing blocks,
     * nothing is left to an administrator and the check passed; the statements it ran are logged as they run.
     *
     * @param check runs on the plan before anything is applied; throws when the options do not fit the server. In
     *              PLAN its refusal is one more blocker, as the plan is to tell everything that stops a start
     */
    public static SetupOutcome run(Connection connection, PgConnector slotServer, SetupRequest request,
                                   SetupMode mode, Check check) {
        SetupPlan plan = plan(connection, request);
        if (mode == SetupMode.PLAN) {
            try {
                runCheck(check, plan);
            } catch (IllegalArgumentException e) {
                plan = plan.withBlocker(e.getMessage());
            }
            return new SetupOutcome(plan, List.of());
        }
        if (mode == SetupMode.AUTO ? !plan.readyOnceConnectorRan() : !plan.isSetUp()) {
            throw new SetupFailedException(plan, mode);
        }
        runCheck(check, plan);
        List<PlannedStatement> applied = List.of();
        if (mode == SetupMode.AUTO && !SetupApplier.toApply(plan).isEmpty()) {
            applied = applyRacingOthers(connection, slotServer, request, plan);
            applied.forEach(statement -> LOG.info("pgcdc:{}: setup ran: {}", request.slotName(), statement.sql()));
            plan = plan(connection, request); // check what we did instead of assuming it
            if (!plan.isReady()) {
                throw new SetupFailedException(plan, mode, applied);
            }
        }
        return new SetupOutcome(plan, applied);
    }

    private static void runCheck(Check check, SetupPlan plan) {
        try {
            check.run(plan);
        } catch (SQLException e) {
            throw new SetupException("Could not check the options against the server: " + e.getMessage(), e);
        }
    }

    /** Checks the options against the planned server before setup changes anything. */
    @FunctionalInterface
    public interface Check {
        void run(SetupPlan plan) throws SQLException;
    }

    /**
     * Applies the plan. Instances starting together may create the same objects between one's inspection and its
     * statements: the loser rolls back and plans again from what the winner created.
     */
    private static List<PlannedStatement> applyRacingOthers(Connection connection, PgConnector slotServer,
                                                            SetupRequest request, SetupPlan plan) {
        for (int attempt = 1; ; attempt++) {
            try {
                return new SetupApplier(connection, slotServer).apply(plan);
            } catch (SetupApplier.CreatedConcurrentlyException e) {
                if (attempt == 3) {
                    throw e;
                }
                plan = plan(connection, request);
            }
        }
    }

    /** Inspects and plans; changes nothing. */
    public static SetupPlan plan(Connection connection, SetupRequest request) {
        return SetupPlanner.plan(new SetupInspector(connection).inspect(request), request);
    }
}
