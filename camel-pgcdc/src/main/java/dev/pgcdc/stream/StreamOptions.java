package dev.pgcdc.stream;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import dev.pgcdc.event.ChangeEvent;

/** What a replication session needs to know, independent of Camel. */
public final class StreamOptions {

    private final String slotName;
    private final List<String> publications;
    private final int maxInflight;
    private final Duration statusInterval;
    private final Duration drainTimeout;
    private final DecodingOptions decoding;

    /**
     * @param suppressed changes never handed to the route (e.g. heartbeat rows); they count as completed at once
     */
    public StreamOptions(String slotName, List<String> publications, int maxInflight, Duration statusInterval,
                         Duration drainTimeout, DecodingOptions decoding) {
        this.slotName = Objects.requireNonNull(slotName, "slotName");
        this.publications = List.copyOf(publications);
        this.maxInflight = maxInflight;
        this.statusInterval = statusInterval;
        this.drainTimeout = drainTimeout;
        this.decoding = Objects.requireNonNull(decoding, "decoding");
    }

    public DecodingOptions decoding() {
        return decoding;
    }

    public String slotName() {
        return slotName;
    }

    public List<String> publications() {
        return publications;
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
