package dev.pgcdc;

import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;

/** The body of a change exchange (option {@code outputFormat}). */
public enum OutputFormat {
    /**
     * The {@link dev.pgcdc.event.ChangeEvent} itself (or a {@link dev.pgcdc.event.LogicalMessage}): the exchange
     * contract of src/ARCHITECTURE.md.
     */
    NATIVE,
    /** A {@link DebeziumEnvelope}, Debezium's before/after/source/op/ts_ms value, with the CamelDebezium* headers. */
    DEBEZIUM,
    /**
     * What camel-debezium-postgres delivers: the row after the change as a Map (null for deletes and truncates; for a
     * logical decoding message its prefix and content), with the CamelDebezium* headers.
     */
    CAMEL_DEBEZIUM;

    /** The body of the exchange that carries the record; {@code envelope} is null for {@link #NATIVE}. */
    Object body(ChangeRecord record, DebeziumEnvelope envelope) {
        return switch (this) {
            case NATIVE -> record;
            case DEBEZIUM -> envelope;
            case CAMEL_DEBEZIUM -> envelope.getMessage() != null ? envelope.getMessage() : envelope.getAfter();
        };
    }
}
