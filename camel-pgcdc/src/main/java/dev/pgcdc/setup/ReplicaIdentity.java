package dev.pgcdc.setup;

/** {@code pg_class.relreplident}: which old values the server writes to WAL for an UPDATE or DELETE. */
public enum ReplicaIdentity {
    DEFAULT, NOTHING, FULL, INDEX;

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
