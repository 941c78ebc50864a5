package dev.pgcdc.setup;

import java.util.Objects;

/**
 * One statement still needed.
 *
 * @param sql  complete statement without the trailing semicolon
 * @param why  one sentence an administrator can act on
 * @param kind how it runs
 */
public record PlannedStatement(String sql, Actor actor, String why, Kind kind) {

    /** How a statement runs. */
    public enum Kind {
        /** Plain SQL, which the connector runs with the plan's other SQL in one transaction. */
        SQL,
        /**
         * A replication command (e.g. {@code ALTER_REPLICATION_SLOT}), which only a replication connection runs,
         * outside any transaction.
         */
        REPLICATION_COMMAND,
        /**
         * Creates the replication slot. The connector runs it last, once streaming is about to start (see
         * {@link Setup#prepare}), never with the rest of the plan.
         */
        SLOT_CREATION
    }

    public PlannedStatement {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(kind, "kind");
    }

    public static PlannedStatement byConnector(String sql, String why) {
        return by(true, sql, why);
    }

    public static PlannedStatement byAdministrator(String sql, String why) {
        return by(false, sql, why);
    }

    public static PlannedStatement by(boolean connectorMay, String sql, String why) {
        return of(Kind.SQL, connectorMay, sql, why);
    }

    /** A replication command; {@code why} should say how an administrator runs one. */
    public static PlannedStatement replicationCommand(boolean connectorMay, String command, String why) {
        return of(Kind.REPLICATION_COMMAND, connectorMay, command, why);
    }

    public static PlannedStatement slotCreation(boolean connectorMay, String sql, String why) {
        return of(Kind.SLOT_CREATION, connectorMay, sql, why);
    }

    private static PlannedStatement of(Kind kind, boolean connectorMay, String sql, String why) {
        return new PlannedStatement(sql, connectorMay ? Actor.CONNECTOR : Actor.ADMINISTRATOR, why, kind);
    }

    public boolean replicationCommand() {
        return kind == Kind.REPLICATION_COMMAND;
    }
}
