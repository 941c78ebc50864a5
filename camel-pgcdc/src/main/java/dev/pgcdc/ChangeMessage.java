package dev.pgcdc;

import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultMessage;

/**
 * The in-message of a change exchange: the {@link ChangeEvent} body, with the pgcdc headers filled in from it only
 * when the route first touches the headers (Camel's lazy {@link #populateInitialHeaders} hook, as camel-jms uses).
 * A route that reads only the body then costs no header map, no nine case-insensitive map insertions and no LSN
 * formatting per change; a route that reads any header sees all of them, exactly as if they had been set eagerly.
 */
final class ChangeMessage extends DefaultMessage {

    private final ChangeEvent event;

    ChangeMessage(Exchange exchange, ChangeEvent event) {
        super(exchange);
        this.event = event;
        setBody(event);
    }

    @Override
    protected boolean isPopulateHeadersSupported() {
        return true;
    }

    @Override
    protected void populateInitialHeaders(Map<String, Object> headers) {
        headers.put(PgCdcConstants.OPERATION, event.getOp().code());
        headers.put(PgCdcConstants.SCHEMA, event.getSchema());
        headers.put(PgCdcConstants.TABLE, event.getTable());
        headers.put(PgCdcConstants.LSN, event.getLsn().toString());
        headers.put(PgCdcConstants.COMMIT_LSN, event.getCommitLsn().toString());
        headers.put(PgCdcConstants.TX_ID, event.getTxId());
        headers.put(PgCdcConstants.COMMIT_TIMESTAMP, event.getCommitTimestamp());
        headers.put(PgCdcConstants.KEY, event.getKey());
        headers.put(PgCdcConstants.SNAPSHOT, event.isSnapshot());
    }
}
