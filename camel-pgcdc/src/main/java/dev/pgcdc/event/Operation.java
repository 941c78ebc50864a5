package dev.pgcdc.event;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of change, with Debezium's one-letter codes so camel-debezium users recognise them. */
public enum Operation {
    INSERT("c"),
    UPDATE("u"),
    DELETE("d"),
    TRUNCATE("t"),
    /** A row read by the snapshot (backfill), not by streaming. */
    READ("r"),
    /** A logical decoding message ({@code pg_logical_emit_message}). */
    MESSAGE("m");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    /** The same as {@link #code()}, as a bean property for expression languages. */
    public String getCode() {
        return code;
    }

    public static Operation fromCode(String code) {
        for (Operation op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("Unknown operation code: " + code);
    }
}
