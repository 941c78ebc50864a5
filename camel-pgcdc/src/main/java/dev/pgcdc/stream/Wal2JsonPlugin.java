package dev.pgcdc.stream;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.decode.wal2json.Wal2JsonDecoder;
import dev.pgcdc.decode.wal2json.Wal2JsonV1Decoder;
import dev.pgcdc.filter.NamePattern;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * The wal2json plugin (2.4+), format-version 2 (one message per change) or 1 (a document per transaction, sent in
 * pieces). Only options every wal2json 2.4+ knows are used: an unknown option is an error there ({@code include-pk}
 * came in 2.4).
 *
 * <p>Table filters made of exact names are pushed down ({@code add-tables}, {@code filter-tables}), so the server
 * does not send what would be dropped; patterns with wildcards are filtered here only (wal2json's own wildcards
 * cover whole schemas or tables only). Heartbeat messages are filtered on the server by their prefix.
 */
public final class Wal2JsonPlugin implements OutputPlugin {

    private static final Pattern UNKNOWN_OPTION = Pattern.compile("option \"[^\"]+\" = \"[^\"]*\" is unknown");

    private final int formatVersion;

    public Wal2JsonPlugin(int formatVersion) {
        if (formatVersion != 1 && formatVersion != 2) {
            throw new IllegalArgumentException("wal2jsonFormatVersion must be 2 or 1, was " + formatVersion);
        }
        this.formatVersion = formatVersion;
    }

    @Override
    public String name() {
        return "wal2json";
    }

    /**
     * wal2json before 2.4 refuses an option it does not know with {@code option "include-pk" = "true" is unknown}
     * (its startup callback); every option we pass is known from 2.4 on.
     */
    @Override
    public Optional<String> refusal(String serverMessage) {
        if (serverMessage == null || !UNKNOWN_OPTION.matcher(serverMessage).find()) {
            return Optional.empty();
        }
        return Optional.of("wal2json 2.4 or newer is needed (it sends each change's primary key, option include-pk):"
                + " upgrade the postgresql-NN-wal2json package (NN: the server's major version). The server said: "
                + serverMessage);
    }

    @Override
    public ChainedLogicalStreamBuilder withOptions(ChainedLogicalStreamBuilder builder, DecodingOptions decoding) {
        builder.withSlotOption("format-version", formatVersion)
                .withSlotOption("include-xids", true)
                .withSlotOption("include-timestamp", true)
                .withSlotOption("include-lsn", true)
                // values are converted by type OID, as pgoutput's are; type names would only cost bandwidth
                .withSlotOption("include-type-oids", true)
                .withSlotOption("include-types", false)
                // the primary key as it was when the change was made: today's catalog may no longer know it
                .withSlotOption("include-pk", true)
                .withSlotOption("filter-msg-prefixes", escaped(Heartbeat.MESSAGE_PREFIX));
        if (formatVersion == 2) {
            builder.withSlotOption("include-transaction", true);
        } else {
            builder.withSlotOption("write-in-chunks", true); // a piece per change instead of one whole document
        }
        List<NamePattern> includes = decoding.tables().includePatterns();
        // one wildcard among the includes means every table must be sent: add-tables cannot say "public.order_*"
        if (!includes.isEmpty() && includes.stream().allMatch(NamePattern::isExact)) {
            builder.withSlotOption("add-tables", quotedForPgjdbc(exactTables(includes)));
        }
        String filtered = exactTables(decoding.tables().excludePatterns());
        if (!filtered.isEmpty()) {
            builder.withSlotOption("filter-tables", quotedForPgjdbc(filtered));
        }
        return builder;
    }

    @Override
    public ChangeDecoder decoder(TypeRegistry types, Catalog catalog, DecodingOptions decoding) {
        return formatVersion == 2 ? new Wal2JsonDecoder(types, catalog, decoding.columns())
                : new Wal2JsonV1Decoder(types, catalog, decoding.columns());
    }

    @Override
    public String describe() {
        return "wal2json, format-version " + formatVersion;
    }

    /** The exact names among the patterns in wal2json's syntax, comma-separated. */
    private static String exactTables(List<NamePattern> patterns) {
        return patterns.stream().filter(NamePattern::isExact)
                .map(pattern -> escaped(pattern.table().schema()) + '.' + escaped(pattern.table().name()))
                .collect(Collectors.joining(","));
    }

    /**
     * A name as wal2json's table and prefix lists read it: a backslash makes the next character literal, which
     * protects the separators (comma, dot, white space), a leading {@code *} (its wildcard) and the backslash itself.
     */
    static String escaped(String name) {
        StringBuilder escaped = new StringBuilder(name.length() + 4);
        for (char c : name.toCharArray()) {
            if (c == '\\' || c == ',' || c == '.' || c == '*' || Character.isWhitespace(c)) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /** pgjdbc puts an option's value between single quotes without escaping them. */
    private static String quotedForPgjdbc(String value) {
        return value.replace("'", "''");
    }
}
