package dev.pgcdc.stream;

import java.time.Duration;
import java.util.Objects;

/** What a replication session needs to know, independent of Camel. */
public final class StreamOptions {

    private final String slotName;
    private final OutputPlugin plugin;
    private final int maxInflight;
    private final Duration statusInterval;
    private final Duration drainTimeout;
    private final DecodingOptions decoding;
    private final long catchUpThreshold;
    private final int catchUpBatchSize;

    /**
     * @param catchUpThreshold bytes of WAL the slot must be behind at a session's start for the backlog to be caught
     *                         up through the SQL interface first (PostgreSQL 12+, pgoutput); 0: never
     * @param catchUpBatchSize the changes the first catch-up call asks for (later ones ask for more)
     */
    public StreamOptions(String slotName, OutputPlugin plugin, int maxInflight, Duration statusInterval,
                         Duration drainTimeout, DecodingOptions decoding, long catchUpThreshold,
                         int catchUpBatchSize) {
        this.slotName = Objects.requireNonNull(slotName, "slotName");
        this.plugin = Objects.requireNonNull(plugin, "plugin");
        this.maxInflight = maxInflight;
        this.statusInterval = statusInterval;
        this.drainTimeout = drainTimeout;
        this.decoding = Objects.requireNonNull(decoding, "decoding");
        this.catchUpThreshold = catchUpThreshold;
        this.catchUpBatchSize = catchUpBatchSize;
    }

    /** The changes the first catch-up call asks the server for. */
    public int catchUpBatchSize() {
        return catchUpBatchSize;
    }

    /** Bytes of lag from which a session catches up through the SQL interface first; 0: never. */
    public long catchUpThreshold() {
        return catchUpThreshold;
    }

    public DecodingOptions decoding() {
        return decoding;
    }

    public String slotName() {
        return slotName;
    }

    public OutputPlugin plugin() {
        return plugin;
    }

    public int maxInflight() {
        return maxInflight;
    }

    public Duration statusInterval() {
        return statusInterval;
    }

    /** How long a stopping session waits for exchanges already handed to the route. */
    public Duration drainTimeout() {
        return drainTimeout;
    }
}
