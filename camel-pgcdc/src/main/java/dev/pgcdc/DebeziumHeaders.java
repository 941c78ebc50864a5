package dev.pgcdc;

import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;
import org.apache.camel.Exchange;

/**
 * The headers camel-debezium sets on each exchange (its DebeziumEndpoint), filled from the change's envelope, so a
 * route written for camel-debezium-postgres finds what it reads. Maps stand where camel-debezium has Kafka Connect
 * Structs; the identifier names the slot where Debezium's topic names its topic prefix.
 */
final class DebeziumHeaders {

    private DebeziumHeaders() {
    }

    static void put(Map<String, Object> headers, ChangeRecord record, DebeziumEnvelope envelope) {
        String server = (String) envelope.getSource().get("name");
        if (record instanceof ChangeEvent event) {
            headers.put(PgCdcConstants.DEBEZIUM_IDENTIFIER, server + "." + event.getSchema() + "." + event.getTable());
            headers.put(PgCdcConstants.DEBEZIUM_KEY, event.getKey());
        } else {
            headers.put(PgCdcConstants.DEBEZIUM_IDENTIFIER, server + ".message");
        }
        headers.put(PgCdcConstants.DEBEZIUM_SOURCE_METADATA, envelope.getSource());
        headers.put(PgCdcConstants.DEBEZIUM_OPERATION, envelope.getOp());
        headers.put(PgCdcConstants.DEBEZIUM_BEFORE, envelope.getBefore());
        headers.put(PgCdcConstants.DEBEZIUM_TIMESTAMP, envelope.getTsMs());
        headers.put(Exchange.MESSAGE_TIMESTAMP, envelope.getTsMs());
    }
}
