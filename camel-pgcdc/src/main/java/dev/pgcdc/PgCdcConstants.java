package dev.pgcdc;

import org.apache.camel.spi.Metadata;

/**
 * Headers set on change exchanges (the body is the {@link dev.pgcdc.event.ChangeEvent} itself, a
 * {@link dev.pgcdc.event.LogicalMessage}, what {@link OutputFormat} makes of it, or for an outbox event its payload,
 * with the outbox headers). The Debezium output formats add camel-debezium's CamelDebezium* headers. Messages
 * have no schema, table, key or snapshot header, and a
 * non-transactional message no transaction headers.
 */
public final class PgCdcConstants {

    @Metadata(description = "The operation: c insert, u update, d delete, t truncate, r snapshot read, m message.",
              javaType = "String")
    public static final String OPERATION = "CamelPgCdcOperation";
    @Metadata(description = "The schema of the changed table.", javaType = "String")
    public static final String SCHEMA = "CamelPgCdcSchema";
    @Metadata(description = "The name of the changed table.", javaType = "String")
    public static final String TABLE = "CamelPgCdcTable";
    @Metadata(description = "The LSN of the change, in PostgreSQL's X/X form (several changes may share it: use"
                            + " CamelPgCdcId to identify a change).", javaType = "String")
    public static final String LSN = "CamelPgCdcLsn";
    @Metadata(description = "The commit LSN of the change's transaction, in PostgreSQL's X/X form.", javaType = "String")
    public static final String COMMIT_LSN = "CamelPgCdcCommitLsn";
    @Metadata(description = "The transaction id of the change.", javaType = "Long")
    public static final String TX_ID = "CamelPgCdcTxId";
    @Metadata(description = "When the change's transaction committed.", javaType = "java.time.Instant")
    public static final String COMMIT_TIMESTAMP = "CamelPgCdcCommitTimestamp";
    @Metadata(description = "When the server's walsender sent the change, by the server's clock (absent when the"
                            + " driver does not tell, and during catch-up: the SQL interface sends no time). From the commit timestamp to it is the lag in the server.",
              javaType = "java.time.Instant")
    public static final String SENT_AT = "CamelPgCdcSentAt";
    @Metadata(description = "When pgcdc read the change from the replication connection. From CamelPgCdcSentAt to it"
                            + " is the lag in the network and the socket (a busy or late read loop shows here; on"
                            + " another host add the clocks' difference); from it to now the lag inside pgcdc"
                            + " (decoding, hand-off to the route's thread, the route so far).",
              javaType = "java.time.Instant")
    public static final String RECEIVED_AT = "CamelPgCdcReceivedAt";
    @Metadata(description = "The primary key (replica identity) columns and values of the changed row.",
              javaType = "java.util.Map<String, Object>")
    public static final String KEY = "CamelPgCdcKey";
    @Metadata(description = "Whether the change is a snapshot read rather than a streamed change.", javaType = "Boolean")
    public static final String SNAPSHOT = "CamelPgCdcSnapshot";
    @Metadata(description = "Set to true on the first change of a table after its columns changed (ALTER TABLE"
                            + " added, dropped or retyped a column); absent otherwise.", javaType = "Boolean")
    public static final String SCHEMA_CHANGED = "CamelPgCdcSchemaChanged";
    @Metadata(description = "The prefix of a logical decoding message (operation m).", javaType = "String")
    public static final String MESSAGE_PREFIX = "CamelPgCdcMessagePrefix";
    @Metadata(description = "The change's 0-based position among the changes of its transaction; with the commit LSN"
                            + " it identifies the change, the same on every redelivery.", javaType = "Long")
    public static final String POSITION = "CamelPgCdcPosition";
    @Metadata(description = "Whether the change is the last of its transaction that the consumer delivers.",
              javaType = "Boolean")
    public static final String LAST_IN_TRANSACTION = "CamelPgCdcLastInTransaction";
    @Metadata(description = "The change's identifier, its commit LSN and its position in the transaction"
                            + " (0/1A2B400:17): unique, and the same when the change is delivered again after a"
                            + " restart, so the key to drop duplicates on (the LSN alone is not unique: a COPY gives"
                            + " many rows the same LSN).", javaType = "String")
    public static final String ID = "CamelPgCdcId";

    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: slot.schema.table"
                            + " (slot.message for a logical decoding message).", javaType = "String")
    public static final String DEBEZIUM_IDENTIFIER = "CamelDebeziumIdentifier";
    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: the primary key"
                            + " columns and values of the changed row.", javaType = "java.util.Map<String, Object>")
    public static final String DEBEZIUM_KEY = "CamelDebeziumKey";
    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: the envelope's"
                            + " source (connector, name, ts_ms, db, snapshot, schema, table, txId, lsn).",
              javaType = "java.util.Map<String, Object>")
    public static final String DEBEZIUM_SOURCE_METADATA = "CamelDebeziumSourceMetadata";
    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: the operation"
                            + " (c, u, d, r, t, m).", javaType = "String")
    public static final String DEBEZIUM_OPERATION = "CamelDebeziumOperation";
    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: the row before the"
                            + " change as the server sent it, or null.", javaType = "java.util.Map<String, Object>")
    public static final String DEBEZIUM_BEFORE = "CamelDebeziumBefore";
    @Metadata(description = "With outputFormat debezium or camel-debezium, as camel-debezium: when the consumer"
                            + " built the event (epoch milliseconds); also set as CamelMessageTimestamp.",
              javaType = "Long")
    public static final String DEBEZIUM_TIMESTAMP = "CamelDebeziumTimestamp";
    @Metadata(description = "Outbox events (options outboxTables, outboxMessagePrefix): the event id, from the outbox"
                            + " row's id column or the message's id field (else the change id); the same on every"
                            + " redelivery.", javaType = "String")
    public static final String OUTBOX_EVENT_ID = "CamelPgCdcOutboxEventId";
    @Metadata(description = "Outbox events: the aggregate type (e.g. order), to route by.", javaType = "String")
    public static final String OUTBOX_AGGREGATE_TYPE = "CamelPgCdcOutboxAggregateType";
    @Metadata(description = "Outbox events: the aggregate id, e.g. as the Kafka record key so one aggregate's events"
                            + " stay in order.", javaType = "String")
    public static final String OUTBOX_AGGREGATE_ID = "CamelPgCdcOutboxAggregateId";
    @Metadata(description = "Outbox events: the event type; absent when the row or message has none.",
              javaType = "String")
    public static final String OUTBOX_EVENT_TYPE = "CamelPgCdcOutboxEventType";

    private PgCdcConstants() {
    }
}
