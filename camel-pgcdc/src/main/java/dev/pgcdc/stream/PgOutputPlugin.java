package dev.pgcdc.stream;

import java.util.List;
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
        // version 1 is all we use on every server: binary and messages are options of their own (PG14+), and
        // streamed in-progress transactions (version 2+) are not decoded
        builder.withSlotOption("proto_version", 1).withSlotOption("publication_names", publicationNames());
        if (decoding.binary()) {
            builder.withSlotOption("binary", true);
        }
        if (decoding.emitMessages()) {
            builder.withSlotOption("messages", true);
        }
        return builder;
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
        // publication_names is parsed as a list of SQL identifiers, so each name is quoted; pgjdbc puts the value
        // between single quotes without escaping, so embedded single quotes are doubled here.
        return publications.stream().map(Identifiers::quote).collect(Collectors.joining(",")).replace("'", "''");
    }
}
