package dev.pgcdc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LockTableTest {

    @Test
    void theKeyOfANamespaceIsStableAndSharedByLeaderAndCandidateLocks() {
        assertThat(LockKey.leader("orders")).isEqualTo(LockKey.leader("orders"));
        assertThat(LockKey.leader("orders").objectId()).isEqualTo(LockKey.candidate("orders").objectId());
        assertThat(LockKey.leader("orders")).isNotEqualTo(LockKey.leader("payments"));
        // pinned: every instance, whatever its pgcdc version, must compute the same lock (first 4 bytes of SHA-256)
        assertThat(LockKey.leader("orders")).isEqualTo(new LockKey(0x7067634C, 471239387));
    }

    @Test
    void aSessionLeadingTwoMoreThanAnotherCandidateHandsOver() {
        List<HeldLock> locks = new ArrayList<>();
        for (String namespace : List.of("a", "b", "c")) {
            locks.add(candidate(1, namespace));
            locks.add(candidate(2, namespace));
            locks.add(leader(1, namespace));
        }
        LockTable table = new LockTable(locks);
        assertThat(table.leadCount(1)).isEqualTo(3);
        assertThat(table.shouldHandOver(1, "a")).isTrue();
        assertThat(table.leader(LockKey.leader("a")).map(HeldLock::pid)).contains(1);
        assertThat(table.candidates(LockKey.candidate("a"))).extracting(HeldLock::pid).containsExactly(1, 2);
    }

    @Test
    void aDifferenceOfOneIsLeftAlone() {
        LockTable table = new LockTable(List.of(candidate(1, "a"), candidate(2, "a"), candidate(1, "b"),
                candidate(2, "b"), candidate(1, "c"), candidate(2, "c"), leader(1, "a"), leader(1, "b"), leader(2, "c")));
        assertThat(table.shouldHandOver(1, "a")).isFalse();
        assertThat(table.shouldHandOver(2, "c")).isFalse();
        assertThat(table.busierThanAnotherCandidate(1, "a")).isTrue();
        assertThat(table.busierThanAnotherCandidate(2, "c")).isFalse();
    }

    @Test
    void aCandidateOfAnotherNamespaceDoesNotCount() {
        LockTable table = new LockTable(List.of(candidate(1, "a"), candidate(1, "b"), candidate(2, "other"),
                leader(1, "a"), leader(1, "b")));
        assertThat(table.shouldHandOver(1, "a")).isFalse();
        assertThat(table.busierThanAnotherCandidate(1, "a")).isFalse();
    }

    private static HeldLock leader(int pid, String namespace) {
        return new HeldLock(pid, "m" + pid, LockKey.LEADER_CLASS, LockKey.leader(namespace).objid());
    }

    private static HeldLock candidate(int pid, String namespace) {
        return new HeldLock(pid, "m" + pid, LockKey.CANDIDATE_CLASS, LockKey.candidate(namespace).objid());
    }
}
