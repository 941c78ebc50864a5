package dev.pgcdc.stream;

/** What the replication thread is doing, for health checks and logs. */
public enum ReplicatorState {
    /** Not started yet, or connecting for the first time. */
    STARTING,
    /** Connected and delivering changes. */
    STREAMING,
    /**
     * Delivering a far-behind slot's backlog through the SQL interface (catchUpThreshold); streaming takes over near
     * the head.
     */
    CATCHING_UP,
    /** Lost the connection, or a route failed, or the slot is busy: waiting to resume from the confirmed position. */
    RETRYING,
    /** Stopped on request. */
    STOPPED,
    /** Cannot go on: the slot is lost or was dropped. Needs an operator; see the last error. */
    FAILED
}
