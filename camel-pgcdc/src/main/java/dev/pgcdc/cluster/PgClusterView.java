package dev.pgcdc.cluster;

import java.util.List;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * One namespace's election. The service's check thread takes and gives up the namespace's lock and tells this view;
 * the view only reports the outcome to its listeners (the {@code master:} consumer, the clustered route policy),
 * synchronously, so that a listener has stopped its route by the time the view returns from a loss.
 */
final class PgClusterView extends AbstractCamelClusterView {

    private final PgClusterService service;
    private final LockKey leaderKey;
    private final LockKey candidateKey;
    private final CamelClusterMember localMember = new Member(null, true);
    private volatile boolean leading;
    private volatile LockTable lastSeen = new LockTable(List.of());

    PgClusterView(PgClusterService service, String namespace) {
        super(service, namespace);
        this.service = service;
        this.leaderKey = LockKey.leader(namespace);
        this.candidateKey = LockKey.candidate(namespace);
    }

    LockKey leaderKey() {
        return leaderKey;
    }

    LockKey candidateKey() {
        return candidateKey;
    }

    boolean leading() {
        return leading;
    }

    /** Whether the view wants to take part in the election now. */
    boolean running() {
        return isRunAllowed();
    }

    void seen(LockTable table) {
        lastSeen = table;
    }

    synchronized void tookLeadership() {
        leading = true;
        fireLeadershipChangedEvent(localMember);
    }

    /** Returns once the listeners have been told (and so have stopped what only the leader may run). */
    synchronized void lostLeadership() {
        if (leading) {
            leading = false;
            fireLeadershipChangedEvent((CamelClusterMember) null);
        }
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return localMember;
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        if (leading) {
            return Optional.of(localMember);
        }
        return lastSeen.leader(leaderKey).filter(l -> l.pid() != service.sessionPid())
                .map(l -> new Member(l.member(), false));
    }

    @Override
    public List<CamelClusterMember> getMembers() {
        return lastSeen.candidates(candidateKey).stream()
                .map(c -> c.pid() == service.sessionPid() ? localMember : new Member(c.member(), false))
                .toList();
    }

    @Override
    protected void doStart() {
        // the service's next check puts the view up for election
    }

    @Override
    protected void doStop() {
        // listeners first; the service's next check releases the locks of a view that no longer runs
        lostLeadership();
    }

    /** A member; {@code id} null for the local one, whose id is the service's. */
    private final class Member implements CamelClusterMember {
        private final String id;
        private final boolean local;

        Member(String id, boolean local) {
            this.id = id;
            this.local = local;
        }

        @Override
        public String getId() {
            return local ? getClusterService().getId() : id;
        }

        @Override
        public boolean isLeader() {
            return local ? leading : lastSeen.leader(leaderKey).map(l -> id != null && id.equals(l.member())).orElse(false);
        }

        @Override
        public boolean isLocal() {
            return local;
        }
    }
}
