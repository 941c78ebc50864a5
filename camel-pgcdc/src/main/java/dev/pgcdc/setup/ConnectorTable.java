package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import java.util.Objects;

/**
 * A table the connector itself uses (heartbeat, snapshot signals, snapshot state) and the setup plan therefore
 * creates, publishes and grants like the rest: by the connector when the role may, otherwise in the administrator's
 * script. The DDL stays with the code that uses the table; the plan only carries it.
 *
 * @param kind       what it is, for messages, e.g. "heartbeat table"
 * @param ddl        the CREATE TABLE statement, without the trailing semicolon
 * @param published  whether its changes must reach the stream, i.e. it belongs in the publication
 * @param privileges what the connecting role does on it, as a GRANT lists them, e.g. "SELECT, INSERT, UPDATE"
 * @param purpose    one sentence saying why the connector needs it
 */
public record ConnectorTable(TableName name, String kind, String ddl, boolean published, String privileges,
        String purpose) {

    public ConnectorTable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ddl, "ddl");
        Objects.requireNonNull(privileges, "privileges");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** The table heartbeats are written to, so that the slot advances even while the captured tables are idle. */
    public static ConnectorTable heartbeat(TableName name) {
        return new ConnectorTable(name, "heartbeat table", "CREATE TABLE " + name.quoted()
                + " (slot_name text PRIMARY KEY, beat timestamptz NOT NULL DEFAULT now())", true,
                "SELECT, INSERT, UPDATE", "pgcdc writes a row here now and then so that the slot advances even when"
                        + " the captured tables are idle, and the server can release WAL.");
    }
}
