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
 * }</pre>
 *
 * <p>{@link dev.pgcdc.setup.Setup#prepare} is all of the consumer's start-time preparation: it runs that, checks the
 * change model's options against the server ({@link dev.pgcdc.setup.ChangeModelPreflight}) and, last, creates the
 * slot when it is missing and the role may. Nothing here ever drops anything or changes an object's owner.
 */
package dev.pgcdc.setup;
