package dev.pgcdc.setup;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * Runs the statements the planner gave to the connector, and nothing else: the planner gives the connector only
 * what the connecting role may do on objects it owns or creates, so ownership never changes and nothing an
 * administrator owns is touched. Nothing is ever dropped.
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

    public SetupApplier(Connection connection) {
        this.connection = connection;
    }

    /**
     * Runs the connector's statements in one transaction, so a failure leaves the server as it was.
     *
     * @return the statements run, in order
     */
    public List<PlannedStatement> apply(SetupPlan plan) {
        List<PlannedStatement> toRun = plan.statementsFor(Actor.CONNECTOR);
        if (toRun.isEmpty()) {
            return toRun;
        }
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
        return toRun;
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
