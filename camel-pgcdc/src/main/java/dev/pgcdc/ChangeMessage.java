package dev.pgcdc;

import java.time.Instant;
import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.outbox.OutboxEvent;
import dev.pgcdc.stream.Delivery;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;

/**
 * The in-message of a change exchange: the body, with the pgcdc headers filled in from the change only when the
 * route first touches the headers (Camel's lazy {@link #populateInitialHeaders} hook, as camel-jms uses). A route
 * that reads only the body then costs no header map, no case-insensitive map insertions and no LSN formatting per
 * change; a route that reads any header sees all of them, exactly as if they had been set eagerly.
 */
final class ChangeMessage extends DefaultMessage {

    private final ChangeRecord record;
    private final DebeziumEnvelope debezium;
    private final Delivery delivery;
    private final OutboxEvent outbox;

    /**
     * @param body     the change itself, what the output format makes of it, or the outbox event's payload
     * @param debezium the change's Debezium envelope when the output format is a Debezium one (the CamelDebezium*
     *                 headers come from it), else null
     * @param delivery where the change stands in its transaction
     * @param outbox   the outbox event the change is, or null
     */
    ChangeMessage(Exchange exchange, Object body, ChangeRecord record, DebeziumEnvelope debezium, Delivery delivery,
                  OutboxEvent outbox) {
        super(exchange);
        this.record = record;
        this.debezium = debezium;
        this.delivery = delivery;
        this.outbox = outbox;
        setBody(body);
    }

    @Override
    protected boolean isPopulateHeadersSupported() {
        return true;
    }

    /**
     * The lag headers ({@link PgCdcConstants#SENT_AT}, {@link PgCdcConstants#RECEIVED_AT}) are answered without
     * building the header map while it is not built (they would be in it, with these values): a route that measures
     * the lag of every change then costs no header map either. Once built, the map answers, as the route may have
     * changed it.
     */
    @Override
    public Object getHeader(String name) {
        Instant time = hasPopulatedHeaders() ? null : lagTime(name);
        return time != null ? time : super.getHeader(name);
    }

    @Override
    public <T> T getHeader(String name, Class<T> type) {
        Instant time = hasPopulatedHeaders() || !type.isAssignableFrom(Instant.class) ? null : lagTime(name);
        return time != null ? type.cast(time) : super.getHeader(name, type);
    }

    private Instant lagTime(String name) {
        if (PgCdcConstants.RECEIVED_AT.equalsIgnoreCase(name)) {
            return delivery.receivedAt();
        }
        return PgCdcConstants.SENT_AT.equalsIgnoreCase(name) ? delivery.sentAt() : null;
    }

    @Override
    protected void populateInitialHeaders(Map<String, Object> headers) {
        headers.put(PgCdcConstants.ID, record.getId());
        headers.put(PgCdcConstants.OPERATION, record.getOp().code());
        headers.put(PgCdcConstants.LSN, record.getLsn().toString());
        headers.put(PgCdcConstants.POSITION, delivery.position());
        headers.put(PgCdcConstants.RECEIVED_AT, delivery.receivedAt());
        if (delivery.sentAt() != null) {
            headers.put(PgCdcConstants.SENT_AT, delivery.sentAt());
        }
        headers.put(PgCdcConstants.LAST_IN_TRANSACTION, record.isLastInTransaction());
        if (record.getCommitLsn() != null) { // null only for a non-transactional message
            headers.put(PgCdcConstants.COMMIT_LSN, record.getCommitLsn().toString());
            headers.put(PgCdcConstants.TX_ID, record.getTxId());
            headers.put(PgCdcConstants.COMMIT_TIMESTAMP, record.getCommitTimestamp());
        }
        if (record instanceof ChangeEvent event) {
            headers.put(PgCdcConstants.SCHEMA, event.getSchema());
            headers.put(PgCdcConstants.TABLE, event.getTable());
            headers.put(PgCdcConstants.KEY, event.getKey());
            headers.put(PgCdcConstants.SNAPSHOT, event.isSnapshot());
            if (delivery.schemaChanged()) {
                headers.put(PgCdcConstants.SCHEMA_CHANGED, true);
            }
        } else {
            headers.put(PgCdcConstants.MESSAGE_PREFIX, ((LogicalMessage) record).getPrefix());
        }
        if (debezium != null) {
            DebeziumHeaders.put(headers, record, debezium);
        }
        if (outbox != null) {
            headers.put(PgCdcConstants.OUTBOX_EVENT_ID, outbox.id());
            headers.put(PgCdcConstants.OUTBOX_AGGREGATE_TYPE, outbox.aggregateType());
            headers.put(PgCdcConstants.OUTBOX_AGGREGATE_ID, outbox.aggregateId());
            if (outbox.type() != null) {
                headers.put(PgCdcConstants.OUTBOX_EVENT_TYPE, outbox.type());
            }
        }
    }
}
