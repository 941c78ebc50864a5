package dev.pgcdc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pgcdc.event.Lsn;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.snapshot.SnapshotProgress;
import dev.pgcdc.stream.Replicator;
import dev.pgcdc.stream.StreamStats;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The {@code pgcdc} developer console: per consumer where the slot stands on the server, how far the route has
 * come, the last error and each table's snapshot progress. Option {@value #REFRESH}{@code =true} reads
 * {@code pg_replication_slots} now instead of showing the last periodic reading ({@code slotMonitorInterval}).
 * Everything is read from the consumer's own state (its JMX attributes, health check and slot watch), so the console
 * shows nothing the other views do not.
 */
@DevConsole(name = "pgcdc", displayName = "PostgreSQL CDC",
            description = "pgcdc consumers: replication slot, lag, throughput counters and snapshot progress")
public class PgCdcDevConsole extends AbstractDevConsole {

    /** Option: read the slot from the server now. */
    public static final String REFRESH = "refresh";

    public PgCdcDevConsole() {
        super("camel", "pgcdc", "PostgreSQL CDC",
              "pgcdc consumers: replication slot, lag, throughput counters and snapshot progress");
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (JsonObject consumer : consumers(options)) {
            text.append(String.format("%n    Route Id: %s (%s)", consumer.get("routeId"), consumer.get("routeState")));
            text.append(String.format("%n    Slot: %s on %s/%s", consumer.get("slot"), consumer.get("host"),
                    consumer.get("database")));
            text.append(String.format("%n    Phase: %s, health %s", consumer.get("phase"), consumer.get("health")));
            appendIfPresent(text, "Health message", consumer.get("healthMessage"));
            text.append(String.format("%n    Confirmed position: %s (last acknowledged at %s)",
                    consumer.get("confirmedLsn"), consumer.get("lastAckTime")));
            text.append(String.format("%n    Server position: %s (read at %s)", consumer.get("serverLsn"),
                    consumer.get("slotReadAt")));
            text.append(String.format("%n    Lag: %s bytes, %s s", consumer.get("lagBytes"), consumer.get("lagSeconds")));
            text.append(String.format("%n    WAL: status %s, safe size %s, retained %s bytes", consumer.get("walStatus"),
                    consumer.get("safeWalSize"), consumer.get("retainedBytes")));
            text.append(String.format("%n    Changes: %s received, %s completed, %s in flight", consumer.get("received"),
                    consumer.get("completed"), consumer.get("inflight")));
            appendIfPresent(text, "Last error", consumer.get("lastError"));
            JsonObject snapshot = (JsonObject) consumer.get("snapshot");
            text.append(String.format("%n    Snapshot: %s", snapshot.get("phase")));
            appendIfPresent(text, "Snapshot error", snapshot.get("lastError"));
            for (Object entry : (JsonArray) snapshot.get("tables")) {
                JsonObject table = (JsonObject) entry;
                text.append(String.format("%n        %s: %s of about %s rows (%s %%), %s rows/s%s",
                        table.get("table"), table.get("rowsDone"), table.get("estimatedRows"), table.get("percent"),
                        table.get("rowsPerSecond"), Boolean.TRUE.equals(table.get("done")) ? ", done"
                                : table.get("etaSeconds") == null ? "" : ", ETA " + table.get("etaSeconds") + " s"));
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    private static void appendIfPresent(StringBuilder text, String label, Object value) {
        if (value != null) {
            text.append(String.format("%n    %s: %s", label, value));
        }
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonObject root = new JsonObject();
        root.put("consumers", new JsonArray(consumers(options)));
        return root;
    }

    private List<JsonObject> consumers(Map<String, Object> options) {
        boolean refresh = "true".equals(String.valueOf(options.getOrDefault(REFRESH, "false")));
        List<JsonObject> consumers = new ArrayList<>();
        for (Route route : getCamelContext().getRoutes()) {
            if (route.getConsumer() instanceof PgCdcConsumer consumer) {
                consumers.add(describe(route, consumer, refresh));
            }
        }
        return consumers;
    }

    private JsonObject describe(Route route, PgCdcConsumer consumer, boolean refresh) {
        PgCdcConfiguration configuration = consumer.getEndpoint().getConfiguration();
        JsonObject json = new JsonObject();
        json.put("routeId", route.getRouteId());
        ServiceStatus routeState = getCamelContext().getRouteController().getRouteStatus(route.getRouteId());
        json.put("routeState", routeState == null ? null : routeState.name());
        json.put("slot", configuration.getSlotName());
        json.put("host", configuration.getHost());
        json.put("database", configuration.getDatabase());
        json.put("phase", consumer.getPhase());
        health(json, consumer.getHealthCheck());

        SlotState slot = refresh ? consumer.refreshSlotStatus() : consumer.slotStatus();
        json.put("confirmedLsn", consumer.getConfirmedLsn());
        json.put("serverLsn", slot == null ? null : slot.serverLsn());
        json.put("slotReadAt", text(consumer.slotStatusReadAt()));
        json.put("slotActive", slot == null ? null : slot.active());
        json.put("lagBytes", consumer.getLagBytes());
        json.put("lagSeconds", consumer.getLagSeconds());
        json.put("retainedBytes", consumer.getRetainedWalBytes());
        json.put("walStatus", consumer.getWalStatus());
        json.put("safeWalSize", slot == null ? null : slot.safeWalSize());
        json.put("received", consumer.getReceivedCount());
        json.put("completed", consumer.getCompletedCount());
        json.put("inflight", consumer.getInflightCount());
        json.put("receivedPerTable", new JsonObject(consumer.getReceivedPerTable()));
        Replicator replicator = consumer.replicator();
        Throwable error = replicator == null ? null : replicator.lastError();
        json.put("lastError", error == null ? null : message(error));
        StreamStats stats = consumer.stats();
        json.put("lastAckTime", stats == null ? null : text(stats.confirmedAdvancedAt()));
        json.put("snapshot", snapshot(consumer));
        return json;
    }

    private static void health(JsonObject json, HealthCheck check) {
        if (check == null) {
            json.put("health", HealthCheck.State.UNKNOWN.name());
            return;
        }
        HealthCheck.Result result = check.call();
        json.put("health", result.getState().name());
        json.put("healthMessage", result.getMessage().orElse(null));
    }

    private static JsonObject snapshot(PgCdcConsumer consumer) {
        JsonObject snapshot = new JsonObject();
        snapshot.put("phase", consumer.getSnapshotPhase());
        snapshot.put("lastError", consumer.snapshotError());
        snapshot.put("chunksHeld", consumer.snapshotChunksHeld());
        JsonArray tables = new JsonArray();
        for (SnapshotProgress progress : consumer.snapshotProgress()) {
            JsonObject table = new JsonObject();
            table.put("table", progress.table());
            table.put("rowsDone", progress.rowsDone());
            table.put("estimatedRows", progress.estimatedRows());
            table.put("percent", progress.percent());
            table.put("rowsPerSecond", Math.round(progress.rowsPerSecond() * 10) / 10.0);
            table.put("etaSeconds", progress.eta() == null ? null : progress.eta().toSeconds());
            table.put("done", progress.done());
            table.put("chunksReadAgain", progress.chunksReadAgain());
            tables.add(table);
        }
        snapshot.put("tables", tables);
        return snapshot;
    }

    /** The error as a person reads it: the message, not the class, unless there is none. */
    private static String message(Throwable error) {
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
