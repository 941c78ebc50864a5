package dev.pgcdc.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.decode.pgoutput.PgOutputDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.pg.Identifiers;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/** PostgreSQL's built-in plugin: streams the tables of publications, in its binary protocol. */
public final class PgOutputPlugin implements OutputPlugin {

    private final List<String> publications;

    public PgOutputPlugin(List<String> publications) {
        this.publications = List.copyOf(publications);
    }

    @Override
    public String name() {
        return "pgoutput";
    }

    @Override
    public ChainedLogicalStreamBuilder withOptions(ChainedLogicalStreamBuilder builder, DecodingOptions decoding) {
        // pgjdbc puts each value between single quotes without escaping, so embedded single quotes are doubled here
        options(decoding).forEach((name, value) -> builder.withSlotOption(name, value.replace("'", "''")));
        return builder;
    }

    @Override
    public Optional<Map<String, String>> sqlOptions(DecodingOptions decoding) {
        return Optional.of(options(decoding));
    }

    /** The same options on the replication connection and through the SQL interface, so both send the same. */
    private Map<String, String> options(DecodingOptions decoding) {
        Map<String, String> options = new LinkedHashMap<>();
        // version 1 is all we use on every server: binary and messages are options of their own (PG14+), and
        // streamed in-progress transactions (version 2+) are not decoded
        options.put("proto_version", "1");
        options.put("publication_names", publicationNames());
        if (decoding.binary()) {
            options.put("binary", "true");
        }
        if (decoding.emitMessages()) {
            options.put("messages", "true");
        }
        return options;
    }

    @Override
    public ChangeDecoder decoder(TypeRegistry types, Catalog catalog, DecodingOptions decoding) {
        return new PgOutputDecoder(types, catalog, decoding.columns(), decoding.binary());
    }

    @Override
    public String describe() {
        return "pgoutput, publications " + publications;
    }

    private String publicationNames() {
        // publication_names is parsed as a list of SQL identifiers, so each name is quoted
        return publications.stream().map(Identifiers::quote).collect(Collectors.joining(","));
    }
}
