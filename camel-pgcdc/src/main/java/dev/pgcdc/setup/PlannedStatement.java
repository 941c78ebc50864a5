package dev.pgcdc.setup;

import java.util.Objects;

/**
 * One statement still needed.
 *
 * @param sql                complete statement without the trailing semicolon
 * @param why                one sentence an administrator can act on
 * @param replicationCommand whether {@code sql} is a replication command (e.g. {@code ALTER_REPLICATION_SLOT}), which
 *                           only a replication connection runs, outside any transaction
 */
public record PlannedStatement(String sql, Actor actor, String why, boolean replicationCommand) {

    public PlannedStatement {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(why, "why");
    }

    public static PlannedStatement byConnector(String sql, String why) {
        return by(true, sql, why);
    }

    public static PlannedStatement byAdministrator(String sql, String why) {
        return by(false, sql, why);
    }

    public static PlannedStatement by(boolean connectorMay, String sql, String why) {
        return new PlannedStatement(sql, connectorMay ? Actor.CONNECTOR : Actor.ADMINISTRATOR, why, false);
    }

    /** A replication command; {@code why} should say how an administrator runs one. */
    public static PlannedStatement replicationCommand(boolean connectorMay, String command, String why) {
        return new PlannedStatement(command, connectorMay ? Actor.CONNECTOR : Actor.ADMINISTRATOR, why, true);
    }
}
