package dev.pgcdc.cluster;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace's election. The service's check thread takes and gives up the namespace's lock and tells this view;
 * the view reports the outcome to its listeners (the {@code master:} consumer, the clustered route policy) on a thread
 * of its own, in order, so that a listener that starts or stops a route for long holds up neither the lock session
 * nor the other namespaces. The service releases a lock only once the view has told its listeners of the loss (they
 * have stopped what only the leader may run).
 */
final class PgClusterView extends AbstractCamelClusterView {

    private static final Logger LOG = LoggerFactory.getLogger(PgClusterView.class);

    private final PgClusterService service;
    private final LockKey leaderKey;
    private final LockKey candidateKey;
    private final CamelClusterMember localMember = new Member(null, true);
    /** What the listeners have been told last, or are being told: what this view reports as its leadership. */
    private volatile boolean told;
    private volatile LockTable lastSeen = new LockTable(List.of());
    private volatile Thread eventThread;

    // Guarded by this: the leadership last handed to the event thread, and that thread while the view runs.
    private boolean leading;
    private CompletableFuture<Void> lastLoss = CompletableFuture.completedFuture(null);
    private ExecutorService events;

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

    /** Whether the view wants to take part in the election now. */
    boolean running() {
        return isRunAllowed();
    }

    void seen(LockTable table) {
        lastSeen = table;
    }

    /** Queues telling the listeners this instance leads; nothing once the view stops. */
    synchronized void tookLeadership() {
        if (!leading && events != null && isRunAllowed()) {
            leading = true;
            events.execute(() -> tell(true));
        }
    }

    /** Queues telling the listeners this instance no longer leads; completes once they have been told. */
    synchronized CompletableFuture<Void> lostLeadership() {
        if (leading) {
            leading = false;
            lastLoss = CompletableFuture.runAsync(() -> tell(false), events);
        }
        return lastLoss;
    }

    private void tell(boolean leader) {
        eventThread = Thread.currentThread();
        told = leader;
        try {
            fireLeadershipChangedEvent(leader ? localMember : null);
        } catch (RuntimeException e) {
            LOG.warn("A listener of {} failed on the leadership change", getNamespace(), e);
        }
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return localMember;
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        if (told) {
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
    protected synchronized void doStart() {
        // the service's next check puts the view up for election
        events = getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this,
                "PgClusterView " + getNamespace());
    }

    @Override
    protected void doStop() {
        // listeners first; the service's next check releases the locks of a view that no longer runs
        CompletableFuture<Void> lost;
        synchronized (this) {
            lost = lostLeadership();
            getCamelContext().getExecutorServiceManager().shutdown(events); // what is queued still runs
            events = null;
        }
        if (Thread.currentThread() != eventThread) {
            lost.join();
        }
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
            return local ? told : lastSeen.leader(leaderKey).map(l -> id != null && id.equals(l.member())).orElse(false);
        }

        @Override
        public boolean isLocal() {
            return local;
        }
    }
}
