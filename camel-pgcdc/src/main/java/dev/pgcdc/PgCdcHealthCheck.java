package dev.pgcdc;

import java.time.Duration;
import java.util.Map;

import dev.pgcdc.event.Lsn;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.snapshot.SnapshotPhase;
import dev.pgcdc.stream.Replicator;
import dev.pgcdc.stream.ReplicatorState;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The consumer's health: DOWN when the slot is lost, when an unhandled exchange failure blocks delivery, when the
 * snapshot of a table failed, or when the replication connection has been down longer than the grace period; details say where the stream stands.
 * Messages name hosts and slots, never credentials.
 */
final class PgCdcHealthCheck extends AbstractHealthCheck {

    private final PgCdcConsumer consumer;
    private final Duration grace;

    PgCdcHealthCheck(PgCdcConsumer consumer, String routeId, Duration grace) {
        super("camel", "pgcdc-consumer-" + routeId);
        this.consumer = consumer;
        this.grace = grace;
    }

    @Override
    public boolean isLiveness() {
        // a stalled stream is not cured by restarting the process; readiness is what it affects
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Replicator replicator = consumer.replicator();
        if (replicator == null) {
            builder.unknown();
            return;
        }
        ReplicatorState state = replicator.state();
        builder.detail("pgcdc.slot", consumer.getEndpoint().getConfiguration().getSlotName());
        builder.detail("pgcdc.phase", state.name());
        builder.detail("pgcdc.snapshot.phase", consumer.snapshotPhase().name());
        builder.detail("pgcdc.confirmed.lsn", Lsn.of(replicator.stats().confirmedLsn()).toString());
        builder.detail("pgcdc.received", replicator.stats().receivedCount());
        SlotState slot = consumer.slotStatus();
        if (slot != null) {
            builder.detail("pgcdc.lag.bytes", slot.lagBytes());
            if (slot.walStatus() != null) {
                builder.detail("pgcdc.wal.status", slot.walStatus());
            }
        }
        Throwable error = replicator.lastError();
        if (state == ReplicatorState.FAILED || (slot != null && slot.lost())) {
            builder.message(error != null ? error.getMessage() : slot.lostMessage());
            builder.down();
        } else if (replicator.blockedByFailure()) {
            Throwable failure = replicator.blockingFailure();
            builder.message("An exchange failed and was not handled by the route; delivery is retried from the last"
                    + " confirmed position" + (failure == null ? "" : ": " + failure.getMessage()));
            builder.down();
        } else if (consumer.snapshotPhase() == SnapshotPhase.FAILED) {
            String snapshotError = consumer.snapshotError();
            builder.message(snapshotError != null ? snapshotError : "The snapshot of a table failed");
            builder.down();
        } else if (replicator.disconnectedFor().compareTo(grace) > 0) {
            builder.message("Not connected for " + replicator.disconnectedFor().toSeconds() + " s"
                    + (error == null ? "" : ": " + error.getMessage()));
            builder.down();
        } else {
            builder.up();
        }
    }
}
