package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import dev.pgcdc.connect.PgConnector;

/**
 * Runs the statements the planner gave to the connector but the slot's creation, and nothing else: the planner gives
 * the connector only what the connecting role may do on objects it owns or creates, so ownership never changes and
 * nothing an administrator owns is touched. Nothing is ever dropped.
 */
public final class SetupApplier {

    /** DDL on a captured table waits for its lock; a long transaction there should fail setup, not hang it. */
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '10s'";
    /**
     * What a statement fails with when another session created the same object after our inspection: duplicate_object
     * and duplicate_table, or unique_violation when both inserted the catalog row at once.
     */
    private static final Set<String> CREATED_CONCURRENTLY = Set.of("42710", "42P07", "23505");

    private final Connection connection;
    private final PgConnector slotServer;

    /**
     * @param slotServer the server the slot lives on, for the plan's replication commands; null when the plan holds
     *                   none for the connector
     */
    public SetupApplier(Connection connection, PgConnector slotServer) {
        this.connection = connection;
        this.slotServer = slotServer;
    }

    /**
     * Runs the connector's SQL statements in one transaction, so a failure leaves the server as it was, then its
     * replication commands (which no transaction holds), each on a replication connection of its own.
     *
     * @return the statements run, in order
     */
    public List<PlannedStatement> apply(SetupPlan plan) {
        List<PlannedStatement> toRun = toApply(plan);
        List<PlannedStatement> sql = toRun.stream().filter(statement -> !statement.replicationCommand()).toList();
        if (!sql.isEmpty()) {
            applyInTransaction(sql);
        }
        toRun.stream().filter(PlannedStatement::replicationCommand)
                .forEach(command -> runReplicationCommand(command, plan.request().slotName()));
        return toRun;
    }

    /**
     * The connector's statements but the slot's creation, which {@link Setup#prepare} runs once the rest is done and
     * checked, under the slot's creation lock.
     */
    static List<PlannedStatement> toApply(SetupPlan plan) {
        return plan.statementsFor(Actor.CONNECTOR).stream()
                .filter(statement -> statement.kind() != PlannedStatement.Kind.SLOT_CREATION).toList();
    }

    private void runReplicationCommand(PlannedStatement command, String slot) {
        if (slotServer == null) {
            throw new IllegalStateException("\"" + command.sql() + "\" is a replication command and this setup has"
                    + " no server to run it on");
        }
        try (Connection replication = (Connection) slotServer.openReplication("pgcdc " + slot + " setup", null);
             Statement statement = replication.createStatement()) {
            statement.execute(command.sql());
        } catch (SQLException e) {
            throw new SetupException("Could not apply the setup plan: \"" + command.sql() + "\" failed: "
                    + e.getMessage() + " (" + command.why() + ")", e);
        }
    }

    private void applyInTransaction(List<PlannedStatement> toRun) {
        try {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                runAll(toRun);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            String message = "Could not apply the setup plan: " + e.getMessage();
            throw CREATED_CONCURRENTLY.contains(e.getSQLState()) ? new CreatedConcurrentlyException(message, e)
                    : new SetupException(message, e);
        }
    }

    private void runAll(List<PlannedStatement> toRun) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(LOCK_TIMEOUT);
            for (PlannedStatement planned : toRun) {
                try {
                    statement.execute(planned.sql());
                } catch (SQLException e) {
                    throw new SQLException("\"" + planned.sql() + "\" failed: " + e.getMessage(), e.getSQLState(), e);
                }
            }
        }
    }

    /** A statement found its object created by another session meanwhile (e.g. a second instance starting). */
    static final class CreatedConcurrentlyException extends SetupException {
        CreatedConcurrentlyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
