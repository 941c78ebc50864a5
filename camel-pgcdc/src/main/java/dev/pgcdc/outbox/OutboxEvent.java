package dev.pgcdc.outbox;

/**
 * One outbox event, as a producer needs it: the payload as the body, the rest as headers.
 *
 * @param id            the event's identifier: the outbox row's id column, or a message's id field (the change id
 *                      when the message has none); the same on every redelivery, so the key to drop duplicates on
 * @param aggregateType the kind of aggregate the event belongs to (routes pick the destination by it)
 * @param aggregateId   the aggregate's identifier (a Kafka record key keeps one aggregate's events in order)
 * @param type          the event type; null when the row or message has none
 * @param payload       json/jsonb as JSON text (String), text as String, bytea as byte[]; null when there is none
 */
public record OutboxEvent(String id, String aggregateType, String aggregateId, String type, Object payload) {

    /**
     * What orders the event among others when several threads deliver: its aggregate (type and id), so one
     * aggregate's events keep commit order whatever their event ids.
     */
    public String aggregate() {
        return aggregateType + '\u0000' + aggregateId;
    }
}
