package dev.pgcdc.decode.wal2json;

import dev.pgcdc.decode.value.BuiltinType;

import java.time.Instant;
import java.time.OffsetDateTime;

import dev.pgcdc.event.Operation;

/** How wal2json spells what is not a column value: commit timestamps and change kinds. */
final class Wal2JsonText {

    private Wal2JsonText() {
    }

    /** A commit timestamp as {@code timestamptz_to_str} prints it, e.g. {@code 2026-11-22 10:00:00.123456+00}. */
    static Instant timestamp(String text) {
        return ((OffsetDateTime) BuiltinType.TIMESTAMPTZ.fromText(text)).toInstant();
    }

    /** The operation of a format-version 2 action ({@code I U D T}) or format-version 1 kind (no truncate there). */
    static Operation operation(String actionOrKind) {
        switch (actionOrKind) {
            case "I", "insert":
                return Operation.INSERT;
            case "U", "update":
                return Operation.UPDATE;
            case "D", "delete":
                return Operation.DELETE;
            case "T":
                return Operation.TRUNCATE;
            default:
                throw new IllegalArgumentException("unknown change kind '" + actionOrKind + "'");
        }
    }
}
