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
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;

/**
 * Decodes wal2json format-version 2: one JSON object per message, so memory does not grow with a transaction's size.
 * Expects the options {@code include-transaction}, {@code include-xids}, {@code include-timestamp},
 * {@code include-lsn}, {@code include-type-oids} and {@code include-pk}: transaction objects with xid, commit timestamp
 * and LSNs, column type OIDs, by which values are converted with the same codecs as pgoutput's text values, and each
 * change's primary key columns.
 *
 * <pre>
 * {"action":"B","xid":754,"timestamp":"2026-11-22 10:00:00.123456+00","lsn":"0/1A2B3C4","nextlsn":"0/1A2B400"}
 * {"action":"U","xid":754,...,"schema":"public","table":"orders",
 *  "columns":[{"name":"id","typeoid":23,"value":7},...],"identity":[{"name":"id","typeoid":23,"value":7}]}
 * {"action":"C","xid":754,...}
 * </pre>
 * A change's LSN is the message's LSN on the stream (wal2json writes each change at its own position).
 */
public final class Wal2JsonDecoder implements ChangeDecoder {

    private static final JsonFactory JSON = new JsonFactory();

    private final Wal2JsonChanges changes;
    private OpenTransaction transaction;

    public Wal2JsonDecoder(TypeRegistry types, Catalog catalog, ColumnFilter columnFilter) {
        this.changes = new Wal2JsonChanges(types, catalog, columnFilter);
    }

    @Override
    public void decode(ByteBuffer message, long messageLsn, DecodeListener listener) {
        Lsn lsn = Lsn.of(messageLsn);
        Message m = new Message();
        try (JsonParser parser = parserFor(message)) {
            m.read(parser);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("wal2json", "malformed format-version 2 message: " + e.getMessage(), lsn,
                    m.action, e);
        }
        apply(m, lsn, listener);
    }

    /** What is wrong with the message, as the decoder reports it; the listener's own exceptions are not wrapped. */
    private static DecodeException undecodable(IllegalArgumentException e, Message m, Lsn lsn) {
        return new DecodeException("wal2json", e.getMessage(), lsn, m.action, e);
    }

    private static JsonParser parserFor(ByteBuffer message) throws IOException {
        if (message.hasArray()) {
            return JSON.createParser(message.array(), message.arrayOffset() + message.position(), message.remaining());
        }
        byte[] copy = new byte[message.remaining()];
        message.duplicate().get(copy);
        return JSON.createParser(copy);
    }

    private void apply(Message m, Lsn lsn, DecodeListener listener) {
        switch (m.action) {
            case MessageType.BEGIN:
                transaction = new OpenTransaction(m.xid, m.lsn, m.timestamp);
                listener.begin(m.xid, m.lsn, m.timestamp);
                break;
            case MessageType.COMMIT:
                transaction = null;
                listener.commit(m.lsn, m.nextLsn, m.timestamp);
                break;
            case MessageType.INSERT:
            case MessageType.UPDATE:
            case MessageType.DELETE:
            case MessageType.TRUNCATE:
                Wal2JsonChanges.Decoded change;
                try {
                    change = changes.change(Wal2JsonText.operation(String.valueOf(m.action)), m.schema, m.table,
                            m.columns, m.identity, m.pk, lsn, openTransaction());
                } catch (IllegalArgumentException e) {
                    throw undecodable(e, m, lsn);
                }
                change.deliver(listener);
                break;
            case MessageType.MESSAGE:
                byte[] content = m.content.getBytes(StandardCharsets.UTF_8);
                OpenTransaction tx;
                try {
                    tx = m.transactional ? openTransaction() : null;
                } catch (IllegalArgumentException e) {
                    throw undecodable(e, m, lsn);
                }
                listener.message(tx != null
                        ? new LogicalMessage(true, m.lsn, m.prefix, content, tx.commitLsn(), tx.xid(),
                                tx.commitTimestamp())
                        : new LogicalMessage(false, m.lsn, m.prefix, content, null, 0, null));
                break;
            default:
                throw undecodable(new IllegalArgumentException("unknown action '" + m.action
                        + "' (expected B C I U D T M)"), m, lsn);
        }
    }

    private OpenTransaction openTransaction() {
        if (transaction == null) {
            throw new IllegalArgumentException("change outside a transaction (no Begin before it; is the option"
                    + " include-transaction off?)");
        }
        return transaction;
    }

    /** The fields of one message; the ones an action lacks stay null. */
    private static final class Message {
        char action = '?';
        long xid;
        Instant timestamp;
        Lsn lsn;
        Lsn nextLsn;
        String schema;
        String table;
        Wal2JsonColumns columns;
        Wal2JsonColumns identity;
        List<String> pk = List.of();
        boolean transactional;
        String prefix;
        String content;

        void read(JsonParser parser) throws IOException {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue; // a non-transactional message's xid and timestamp
                }
                switch (field) {
                    case "action" -> action = parser.getText().charAt(0);
                    case "xid" -> xid = parser.getLongValue();
                    case "timestamp" -> timestamp = Wal2JsonText.timestamp(parser.getText());
                    case "lsn" -> lsn = Lsn.parse(parser.getText());
                    case "nextlsn" -> nextLsn = Lsn.parse(parser.getText());
                    case "schema" -> schema = parser.getText();
                    case "table" -> table = parser.getText();
                    case "columns" -> columns = columns(parser);
                    case "identity" -> identity = columns(parser);
                    case "pk" -> pk = names(parser);
                    case "transactional" -> transactional = parser.getBooleanValue();
                    case "prefix" -> prefix = parser.getText();
                    case "content" -> content = parser.getText();
                    default -> parser.skipChildren(); // e.g. "origin" if the slot's user asked for it
                }
            }
        }

        /** [{"name":"id","typeoid":23,"value":7},...] */
        private static Wal2JsonColumns columns(JsonParser parser) throws IOException {
            expect(parser.currentToken(), JsonToken.START_ARRAY);
            Wal2JsonColumns columns = new Wal2JsonColumns();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String name = null;
                int typeOid = 0;
                String value = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    switch (field) {
                        case "name" -> name = parser.getText();
                        case "typeoid" -> typeOid = parser.getIntValue();
                        case "value" -> value = Wal2JsonColumns.valueText(parser);
                        default -> parser.skipChildren();
                    }
                }
                columns.add(name, typeOid, value);
            }
            return columns;
        }

        /** [{"name":"id","type":"integer","typeoid":23},...] */
        private static List<String> names(JsonParser parser) throws IOException {
            expect(parser.currentToken(), JsonToken.START_ARRAY);
            List<String> names = new ArrayList<>();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("name")) {
                        names.add(parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
            }
            return names;
        }

        private static void expect(JsonToken token, JsonToken expected) {
            if (token != expected) {
                throw new IllegalArgumentException("expected " + expected + " but found " + token);
            }
        }
    }
}
