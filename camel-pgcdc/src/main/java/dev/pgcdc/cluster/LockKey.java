package dev.pgcdc.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A PostgreSQL advisory lock in its two-int form: {@code classId} tells pgcdc's locks from any other application's,
 * {@code objectId} is derived from the namespace (the first four bytes of its SHA-256), so every instance, whatever
 * its JVM or version, computes the same key. Two namespaces whose hashes collide share one lock: they are then led by
 * the same instance, never by two.
 */
record LockKey(int classId, int objectId) {

    /** ASCII "pgcL": the lock whose holder leads a namespace. */
    static final int LEADER_CLASS = 0x7067634C;
    /** ASCII "pgcC": held shared by every instance that takes part in a namespace's election. */
    static final int CANDIDATE_CLASS = 0x70676343;

    static LockKey leader(String namespace) {
        return new LockKey(LEADER_CLASS, hash(namespace));
    }

    static LockKey candidate(String namespace) {
        return new LockKey(CANDIDATE_CLASS, hash(namespace));
    }

    /** How {@code pg_locks.objid} (an unsigned oid) shows {@link #objectId()}. */
    long objid() {
        return Integer.toUnsignedLong(objectId);
    }

    private static int hash(String namespace) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(namespace.getBytes(StandardCharsets.UTF_8));
            return (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
