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

    /** What a token asks of the listener, told after the token is read so that reading never catches its failures. */
    private enum Step { BEGIN, CHANGE, COMMIT }

    private final Wal2JsonChanges changes;
    private JsonParser parser;
    private ByteArrayFeeder feeder;

    private Level level;
    private String field;
    private long xid;
    private Lsn nextLsn;
    private Instant timestamp;
    private OpenTransaction transaction;
    /** The change being read, collected token by token until its object closes; null between changes. */
    private TokenBuffer change;
    private int changeDepth;
    private Lsn changeLsn;
    /** The change whose object just closed, for {@link Step#CHANGE}. */
    private TokenBuffer completeChange;

    public Wal2JsonV1Decoder(TypeRegistry types, Catalog catalog, ColumnFilter columnFilter) {
        this.changes = new Wal2JsonChanges(types, catalog, columnFilter);
        restart();
    }

    /** A parser that takes input afresh, outside any document. */
    private void restart() {
        try {
            parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        level = Level.OUTSIDE;
        field = null;
        xid = -1;
        transaction = null;
        change = null;
        completeChange = null;
    }

    /**
     * A change that cannot be decoded goes to {@link DecodeListener#undecodable} and the document goes on. A document
     * that is not what wal2json prints (not JSON, or not shaped as version 1) throws, and the rest of it is dropped:
     * decoding starts over at the next document.
     */
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
        } catch (IOException e) {
            throw malformed(e, lsn);
        }
        try {
            while (true) {
                Step step;
                try {
                    JsonToken token = parser.nextToken();
                    if (token == JsonToken.NOT_AVAILABLE || token == null) {
                        return;
                    }
                    step = onToken(token, lsn);
                } catch (IOException | RuntimeException e) {
                    throw malformed(e, lsn);
                }
                if (step != null) {
                    tell(step, listener);
                }
            }
        } finally {
            if (!feeder.needMoreInput()) {
                // the listener threw before the message was read to its end; the parser refuses new input while it
                // holds unread bytes
                restart();
            }
        }
    }

    /** The document cannot be read on: the failure to throw, with the parser started over. */
    private DecodeException malformed(Exception e, Lsn lsn) {
        DecodeException failure = new DecodeException("wal2json", "format-version 1 document: " + e.getMessage(), lsn,
                transaction == null ? MessageType.BEGIN : MessageType.COMMIT, e);
        restart();
        return failure;
    }

    private void tell(Step step, DecodeListener listener) {
        switch (step) {
            case BEGIN -> listener.begin(transaction.xid(), transaction.commitLsn(), transaction.commitTimestamp());
            case COMMIT -> listener.commit(nextLsn, nextLsn, timestamp);
            case CHANGE -> {
                TokenBuffer tokens = completeChange;
                completeChange = null;
                decodeChange(tokens, listener);
            }
        }
    }

    private Step onToken(JsonToken token, Lsn lsn) throws IOException {
        if (change != null) {
            change.copyCurrentEvent(parser);
            if (token.isStructStart()) {
                changeDepth++;
            } else if (token.isStructEnd() && --changeDepth == 0) {
                completeChange = change;
                change = null;
                return Step.CHANGE;
            }
            return null;
        }
        switch (level) {
            case OUTSIDE -> {
                expect(token, JsonToken.START_OBJECT);
                level = Level.DOCUMENT;
            }
            case DOCUMENT -> {
                return onDocumentToken(token);
            }
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
        return null;
    }

    private Step onDocumentToken(JsonToken token) throws IOException {
        if (token == JsonToken.FIELD_NAME) {
            field = parser.currentName();
        } else if (token == JsonToken.END_OBJECT) {
            boolean commit = transaction != null;
            level = Level.OUTSIDE;
            transaction = null;
            xid = -1;
            return commit ? Step.COMMIT : null;
        } else if (token == JsonToken.START_ARRAY && "change".equals(field)) {
            level = Level.CHANGES;
            // a document without xid holds a non-transactional logical decoding message, outside any transaction
            if (xid >= 0) {
                transaction = new OpenTransaction(xid, nextLsn, timestamp);
                return Step.BEGIN;
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
        return null;
    }

    /** Decodes one element of "change"; only once it is decoded does the listener hear of it. */
    private void decodeChange(TokenBuffer tokens, DecodeListener listener) {
        V1Change c = new V1Change();
        LogicalMessage message = null;
        Wal2JsonChanges.Decoded decoded = null;
        try {
            try (JsonParser p = tokens.asParser()) {
                c.read(p);
            }
            if ("message".equals(c.kind)) {
                byte[] content = c.content.getBytes(StandardCharsets.UTF_8);
                message = c.transactional && transaction != null
                        ? new LogicalMessage(true, changeLsn, c.prefix, content, transaction.commitLsn(),
                                transaction.xid(), transaction.commitTimestamp())
                        : new LogicalMessage(false, changeLsn, c.prefix, content, null, 0, null);
            } else if (transaction == null) {
                throw new IllegalArgumentException("change outside a transaction (the document has no xid)");
            } else {
                decoded = changes.change(Wal2JsonText.operation(c.kind), c.schema, c.table, c.columns.zip(),
                        c.oldKeys.zip(), c.pk, changeLsn, transaction);
            }
        } catch (IOException | IllegalArgumentException e) {
            // only what is wrong with the change itself; a failing catalog lookup ends the session instead, and the
            // change is decoded again after the reconnect rather than handed to the route as undecodable
            listener.undecodable(new DecodeException("wal2json", e.getMessage() != null ? e.getMessage()
                    : e.toString(), changeLsn, c.type(), e));
            return;
        }
        if (message != null) {
            listener.message(message);
        } else {
            decoded.deliver(listener);
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

        /** The message type it is reported as; pgoutput's letters. */
        char type() {
            if (kind == null || kind.isEmpty()) {
                return '?';
            }
            return kind.equals("message") ? MessageType.MESSAGE : Character.toUpperCase(kind.charAt(0));
        }

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
