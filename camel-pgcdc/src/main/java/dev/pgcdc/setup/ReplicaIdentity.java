package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

/** {@code pg_class.relreplident}: which old values the server writes to WAL for an UPDATE or DELETE. */
public enum ReplicaIdentity {
    DEFAULT, NOTHING, FULL, INDEX;

    /** The statement that makes the server log the whole old row of {@code table}. */
    public static String alterToFull(TableName table) {
        return "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL";
    }

    public static ReplicaIdentity fromCatalogCode(String code) {
        return switch (code) {
            case "d" -> DEFAULT;
            case "n" -> NOTHING;
            case "f" -> FULL;
            case "i" -> INDEX;
            default -> throw new IllegalArgumentException("unknown relreplident " + code);
        };
    }
}
