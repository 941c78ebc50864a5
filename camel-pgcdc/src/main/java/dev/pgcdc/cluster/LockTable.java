package dev.pgcdc.cluster;

import java.util.List;
import java.util.Optional;

/**
 * The pgcdc advisory locks held in the database at one check: who leads and who takes part in each namespace's
 * election, and what that means for balancing. Sessions are told apart by backend pid.
 */
record LockTable(List<HeldLock> locks) {

    /** The holder of the namespace's leader lock, if any. */
    Optional<HeldLock> leader(LockKey key) {
        return locks.stream().filter(l -> l.classId() == LockKey.LEADER_CLASS && l.objid() == key.objid()).findFirst();
    }

    /** The sessions taking part in the namespace's election (holding its candidate lock). */
    List<HeldLock> candidates(LockKey candidate) {
        return locks.stream().filter(l -> l.classId() == LockKey.CANDIDATE_CLASS && l.objid() == candidate.objid())
                .toList();
    }

    /** How many namespaces the session leads. */
    long leadCount(int pid) {
        return locks.stream().filter(l -> l.classId() == LockKey.LEADER_CLASS && l.pid() == pid).count();
    }

    /**
     * Whether the session {@code pid}, leading {@code namespace}, should hand it over: another candidate of the
     * namespace leads at least two fewer namespaces, so moving it makes the spread more even. The strict margin means
     * two sessions never hand one namespace back and forth.
     */
    boolean shouldHandOver(int pid, String namespace) {
        long mine = leadCount(pid);
        return candidates(LockKey.candidate(namespace)).stream()
                .anyMatch(other -> other.pid() != pid && leadCount(other.pid()) + 1 < mine);
    }

    /** Whether another candidate of the namespace leads fewer namespaces than the session {@code pid}. */
    boolean busierThanAnotherCandidate(int pid, String namespace) {
        long mine = leadCount(pid);
        return candidates(LockKey.candidate(namespace)).stream()
                .anyMatch(other -> other.pid() != pid && leadCount(other.pid()) < mine);
    }
}
