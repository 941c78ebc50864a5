package dev.pgcdc.decode.wal2json;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.MessageType;
import dev.pgcdc.decode.value.TypeRegistry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;

/**
 * Decodes wal2json format-version 1, for servers whose wal2json predates format-version 2. Version 1 prints a
 * transaction as one JSON document, {@code {"xid":..,"nextlsn":..,"timestamp":..,"change":[{..},{..}]}}; with
 * {@code write-in-chunks} the server sends it in pieces (the opening, each change, the closing), and this decoder
 * feeds them to Jackson's non-blocking parser as they arrive, holding only the change being read. So a transaction
 * of any size streams change by change, as in version 2.
 *
 * <p>What version 1 lacks: truncates (wal2json never prints them in version 1), the commit record's own LSN (only
 * {@code nextlsn}, the end of the commit, which is used for both {@code commitLsn} and the acknowledged position),
 * and per-change LSNs in the document (a change's LSN is the LSN of the piece that starts it, which the server
 * writes at the change's position).
 */
public final class Wal2JsonV1Decoder implements ChangeDecoder {

    private static final JsonFactory JSON = new JsonFactory();

    /** Where the parser is in the document: outside it, in the root object, or in its "change" array. */
    private enum Level { OUTSIDE, DOCUMENT, CHANGES }

    private final Wal2JsonChanges changes;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;

    private Level level = Level.OUTSIDE;
    private String field;
    private long xid = -1;
    private Lsn nextLsn;
    private Instant timestamp;
    private OpenTransaction transaction;
    /** The change being read, collected token by token until its object closes; null between changes. */
    private TokenBuffer change;
    private int changeDepth;
    private Lsn changeLsn;

    public Wal2JsonV1Decoder(TypeRegistry types, Catalog catalog, ColumnFilter columnFilter) {
        this.changes = new Wal2JsonChanges(types, catalog, columnFilter);
        try {
            this.parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    public void decode(ByteBuffer message, long messageLsn, DecodeListener listener) {
        Lsn lsn = Lsn.of(messageLsn);
        byte[] bytes;
        int start;
        if (message.hasArray()) {
            bytes = message.array();
            start = message.arrayOffset() + message.position();
        } else {
            bytes = new byte[message.remaining()];
            message.duplicate().get(bytes);
            start = 0;
        }
        try {
            // every token of the previous piece was read, so the parser wants input again
            feeder.feedInput(bytes, start, start + message.remaining());
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.NOT_AVAILABLE && token != null) {
                onToken(token, lsn, listener);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DecodeException decodeException) {
                throw decodeException;
            }
            throw new DecodeException("wal2json", "format-version 1 document: " + e.getMessage(), lsn,
                    transaction == null ? MessageType.BEGIN : MessageType.COMMIT, e);
        }
    }

    private void onToken(JsonToken token, Lsn lsn, DecodeListener listener) throws IOException {
        if (change != null) {
            change.copyCurrentEvent(parser);
            if (token.isStructStart()) {
                changeDepth++;
            } else if (token.isStructEnd() && --changeDepth == 0) {
                decodeChange(listener);
                change = null;
            }
            return;
        }
        switch (level) {
            case OUTSIDE -> {
                expect(token, JsonToken.START_OBJECT);
                level = Level.DOCUMENT;
            }
            case DOCUMENT -> onDocumentToken(token, listener);
            case CHANGES -> {
                if (token == JsonToken.END_ARRAY) {
                    level = Level.DOCUMENT;
                } else {
                    expect(token, JsonToken.START_OBJECT);
                    change = new TokenBuffer(parser, null);
                    change.copyCurrentEvent(parser);
                    changeDepth = 1;
                    changeLsn = lsn;
                }
            }
        }
    }

    private void onDocumentToken(JsonToken token, DecodeListener listener) throws IOException {
        if (token == JsonToken.FIELD_NAME) {
            field = parser.currentName();
        } else if (token == JsonToken.END_OBJECT) {
            if (transaction != null) {
                listener.commit(nextLsn, nextLsn, timestamp);
            }
            level = Level.OUTSIDE;
            transaction = null;
            xid = -1;
        } else if (token == JsonToken.START_ARRAY && "change".equals(field)) {
            level = Level.CHANGES;
            // a document without xid holds a non-transactional logical decoding message, outside any transaction
            if (xid >= 0) {
                transaction = new OpenTransaction(xid, nextLsn, timestamp);
                listener.begin(xid, nextLsn, timestamp);
            }
        } else if (token.isScalarValue()) {
            switch (field) {
                case "xid" -> xid = parser.getLongValue();
                case "nextlsn" -> nextLsn = Lsn.parse(parser.getText());
                case "timestamp" -> timestamp = Wal2JsonText.timestamp(parser.getText());
                default -> { } // e.g. "origin"
            }
        } else {
            throw new IllegalArgumentException("unexpected " + token + " in field " + field);
        }
    }

    private void decodeChange(DecodeListener listener) throws IOException {
        V1Change c = new V1Change();
        try (JsonParser p = change.asParser()) {
            c.read(p);
        }
        char type = c.kind == null ? '?' : c.kind.equals("message") ? MessageType.MESSAGE
                : Character.toUpperCase(c.kind.charAt(0));
        try {
            if ("message".equals(c.kind)) {
                byte[] content = c.content.getBytes(StandardCharsets.UTF_8);
                listener.message(c.transactional && transaction != null
                        ? new LogicalMessage(true, changeLsn, c.prefix, content, transaction.commitLsn(),
                                transaction.xid(), transaction.commitTimestamp())
                        : new LogicalMessage(false, changeLsn, c.prefix, content, null, 0, null));
                return;
            }
            if (transaction == null) {
                throw new IllegalArgumentException("change outside a transaction (the document has no xid)");
            }
            changes.change(Wal2JsonText.operation(c.kind), c.schema, c.table, c.columns.zip(), c.oldKeys.zip(),
                    c.pk, changeLsn, transaction, listener);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("wal2json", e.getMessage(), changeLsn, type, e);
        }
    }

    private static void expect(JsonToken token, JsonToken expected) {
        if (token != expected) {
            throw new IllegalArgumentException("expected " + expected + " but found " + token);
        }
    }

    /** One element of "change": a row change or a logical decoding message (version 1 never prints truncates). */
    private static final class V1Change {
        String kind;
        String schema;
        String table;
        final ParallelColumns columns = new ParallelColumns();
        final ParallelColumns oldKeys = new ParallelColumns();
        List<String> pk = List.of();
        boolean transactional;
        String prefix;
        String content;

        void read(JsonParser p) throws IOException {
            p.nextToken(); // START_OBJECT
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "kind" -> kind = p.getText();
                    case "schema" -> schema = p.getText();
                    case "table" -> table = p.getText();
                    case "columnnames" -> columns.names = strings(p);
                    case "columntypeoids" -> columns.typeOids = strings(p);
                    case "columnvalues" -> columns.values = values(p);
                    case "oldkeys" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            p.nextToken();
                            switch (key) {
                                case "keynames" -> oldKeys.names = strings(p);
                                case "keytypeoids" -> oldKeys.typeOids = strings(p);
                                case "keyvalues" -> oldKeys.values = values(p);
                                default -> p.skipChildren();
                            }
                        }
                    }
                    case "pk" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            p.nextToken();
                            if (key.equals("pknames")) {
                                pk = strings(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    case "transactional" -> transactional = p.getBooleanValue();
                    case "prefix" -> prefix = p.getText();
                    case "content" -> content = p.getText();
                    default -> p.skipChildren();
                }
            }
        }

        private static List<String> strings(JsonParser p) throws IOException {
            List<String> strings = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                strings.add(p.getText());
            }
            return strings;
        }

        private static List<String> values(JsonParser p) throws IOException {
            List<String> values = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(Wal2JsonColumns.valueText(p));
            }
            return values;
        }
    }

    /** Version 1's parallel arrays of names, type OIDs and values. */
    private static final class ParallelColumns {
        List<String> names;
        List<String> typeOids;
        List<String> values;

        /** The columns, or null if the change has none (no "columnnames", or no "oldkeys"). */
        Wal2JsonColumns zip() {
            if (names == null) {
                return null;
            }
            if (typeOids == null || values == null || typeOids.size() != names.size()
                    || values.size() != names.size()) {
                throw new IllegalArgumentException("names, type OIDs and values differ in number (is the option"
                        + " include-type-oids off?)");
            }
            Wal2JsonColumns columns = new Wal2JsonColumns();
            for (int i = 0; i < names.size(); i++) {
                columns.add(names.get(i), Integer.parseInt(typeOids.get(i)), values.get(i));
            }
            return columns;
        }
    }
}
