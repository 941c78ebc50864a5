package dev.pgcdc.cluster;

/**
 * One row of {@code pg_locks} for a pgcdc advisory lock: the backend holding it, the member name that backend's
 * session gave as its {@code application_name} (null when this role may not see it), and the key.
 */
record HeldLock(int pid, String member, int classId, long objid) {
}
