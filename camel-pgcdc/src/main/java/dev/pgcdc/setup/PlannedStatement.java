package dev.pgcdc.setup;

import java.util.Objects;

/**
 * One SQL statement still needed.
 *
 * @param sql complete statement without the trailing semicolon
 * @param why one sentence an administrator can act on
 */
public record PlannedStatement(String sql, Actor actor, String why) {

    public PlannedStatement {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(why, "why");
    }

    public static PlannedStatement byConnector(String sql, String why) {
        return new PlannedStatement(sql, Actor.CONNECTOR, why);
    }

    public static PlannedStatement byAdministrator(String sql, String why) {
        return new PlannedStatement(sql, Actor.ADMINISTRATOR, why);
    }

    public static PlannedStatement by(boolean connectorMay, String sql, String why) {
        return new PlannedStatement(sql, connectorMay ? Actor.CONNECTOR : Actor.ADMINISTRATOR, why);
    }
}
