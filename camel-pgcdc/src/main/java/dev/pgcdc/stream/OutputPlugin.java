package dev.pgcdc.stream;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

import java.util.Map;
import java.util.Optional;

/**
 * What differs between output plugins on the replication connection: the options of START_REPLICATION and the
 * decoder of what arrives. Everything else (session, acknowledgement, filters, reconnects) is shared.
 */
public interface OutputPlugin {

    /** The plugin's name, as a slot records it. */
    String name();

    /** Adds the plugin's options to the START_REPLICATION command. */
    ChainedLogicalStreamBuilder withOptions(ChainedLogicalStreamBuilder builder, DecodingOptions decoding);

    /**
     * The plugin's options as the SQL interface takes them ({@code pg_logical_slot_get_binary_changes}), so that a
     * far-behind slot can be caught up through it with the same messages as the stream's; empty when the plugin does
     * not catch up that way.
     */
    default Optional<Map<String, String>> sqlOptions(DecodingOptions decoding) {
        return Optional.empty();
    }

    /** A decoder for one replication session. */
    ChangeDecoder decoder(TypeRegistry types, Catalog catalog, DecodingOptions decoding);

    /** What the plugin streams, for the log, e.g. "publications [orders]". */
    String describe();

    /**
     * The server's answer to START_REPLICATION as a final error with its cause and fix, when retrying cannot help
     * (the plugin refuses the options we pass); else empty.
     */
    default Optional<String> refusal(String serverMessage) {
        return Optional.empty();
    }
}
