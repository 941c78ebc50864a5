package dev.pgcdc;

/** The body of a change exchange (option {@code outputFormat}). */
public enum OutputFormat {
    /**
     * The {@link dev.pgcdc.event.ChangeEvent} itself (or a {@link dev.pgcdc.event.LogicalMessage}): the exchange
     * contract of src/ARCHITECTURE.md.
     */
    NATIVE,
    /** A {@link dev.pgcdc.event.DebeziumEnvelope}: Debezium's before/after/source/op/ts_ms shape. */
    DEBEZIUM
}
