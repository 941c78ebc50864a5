package dev.pgcdc.stream;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

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
