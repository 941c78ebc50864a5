package dev.pgcdc.setup;

import dev.pgcdc.connect.PgConnector;

/**
 * The servers setup reaches beyond its JDBC connection to the primary.
 *
 * @param slotServer where the slot lives and the stream reads: the standby decoded from (option primaryHost), else the
 *                   primary itself; replication commands on the slot run there
 * @param primary    where everything that writes goes
 */
public record SetupServers(PgConnector slotServer, PgConnector primary) {
}
