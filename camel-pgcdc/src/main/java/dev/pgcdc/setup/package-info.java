/**
 * Server setup: what the connector needs on the server, what is still missing, and who must create it. Plain
 * JDBC, no Camel.
 *
 * <p>The flow is inspect (read-only) &rarr; plan (a pure function of the facts) &rarr; apply (only what the
 * connecting role may do). {@link dev.pgcdc.setup.Setup#run} does it for each {@link dev.pgcdc.setup.SetupMode}:
 *
 * <pre>{@code
 * SetupRequest request = SetupRequest.builder().slotName("orders_slot").publicationName("orders_pub")
 *         .tables(List.of(TableName.of("public", "orders")))
 *         .connectorTables(List.of(ConnectorTable.heartbeat(TableName.of("public", "pgcdc_heartbeat")))).build();
 * SetupOutcome outcome = Setup.run(connection, request, SetupMode.AUTO); // throws SetupFailedException if not ready
 * if (outcome.plan().connectorCreatesSlot()) { ... CREATE_REPLICATION_SLOT over the replication connection ... }
 * }</pre>
 *
 * <p>The slot is the one object setup never creates: the consumer creates it when the initial snapshot starts, so
 * the snapshot can be taken at exactly the slot's starting point. Nothing here ever drops anything or changes an
 * object's owner.
 */
package dev.pgcdc.setup;
