package dev.pgcdc.outbox;

/**
 * The names of the outbox table's columns, which are also the field names of an outbox message's JSON content.
 * The defaults are Debezium's outbox event router's.
 */
public record OutboxFields(String id, String aggregateType, String aggregateId, String type, String payload) {

    public static final OutboxFields DEBEZIUM = new OutboxFields("id", "aggregatetype", "aggregateid", "type", "payload");
}
