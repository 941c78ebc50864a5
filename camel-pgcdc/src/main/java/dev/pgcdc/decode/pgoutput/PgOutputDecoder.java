package dev.pgcdc.decode.pgoutput;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.decode.ChangeDecoder;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.decode.ColumnInfo;
import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.MessageType;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.decode.RowEvents;
import dev.pgcdc.decode.TypeInfo;
import dev.pgcdc.decode.value.BinaryValueDecoder;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.decode.value.ValueCodec;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes pgoutput (protocol version 1) messages into {@link ChangeEvent}s, one per row change and one per
 * truncated relation. Stateful: it remembers relations (by OID) from Relation messages and the open
 * transaction from Begin, so feed it every message of one replication session, in order, from one thread.
 * A new Relation message for a known OID replaces the old description: following changes use the new columns.
 *
 * <p>How the event's maps are filled:
 * <ul>
 * <li>{@code key}: the table's primary key. The server flags the replica identity columns, which are the primary
 *     key under REPLICA IDENTITY DEFAULT and the index's columns under USING INDEX, so those flags are used; under
 *     FULL (every column flagged) and NOTHING the {@link Catalog} names the primary key (or the replica identity
 *     index) when the Relation message arrives, by OID, and it counts only if its columns are the relation's. A
 *     table without one keeps the server's flags (under FULL: the whole row); a table the catalog no longer knows,
 *     or whose key columns it names differently, has an unknown key: null. Taken from the new row for insert and
 *     update (an unchanged TOASTed key column filled from the old key the server then sends), from the old key or
 *     old row for delete.</li>
 * <li>{@code before}: null unless the server sent an old tuple: 'K' (old key: an update that changed the
 *     key, or a delete, under DEFAULT/INDEX) gives only the identity columns, 'O' (FULL) the whole old row.
 *     So for an update that changed the key, {@code key} is the <em>new</em> key and {@code before} holds
 *     the old one.</li>
 * <li>{@code after}: the new row, without columns the server marked unchanged TOAST ('u'); those are
 *     listed in {@code unchanged}, unless the old row ('O') or old key ('K') supplied their value, which is then
 *     used.</li>
 * <li>Columns the {@link ColumnFilter} excludes are not decoded and appear in none of these.</li>
 * </ul>
 *
 * <p>Streamed in-progress transactions (protocol version 2+ with {@code streaming on}) are rejected
 * with a clear error: in that mode Insert, Update, Delete, Truncate, Relation, Type and Message carry an
 * extra leading xid, which would be read right after the message type byte.
 */
public final class PgOutputDecoder implements ChangeDecoder {

    /** PostgreSQL timestamps count microseconds from 2000-01-01 UTC. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private final Map<Integer, RelationInfo> relations = new HashMap<>();
    private final TypeRegistry types;
    private final Catalog catalog;
    private final ColumnFilter columnFilter;
    private final boolean binary;
    private boolean inTransaction;
    private long xid;
    private Lsn commitLsn;
    private Instant commitTimestamp;

    /** Built-in types only, keys as the server flags them, every column: for tests and tools without a database. */
    public PgOutputDecoder() {
        this(TypeRegistry.natural(Catalog.NONE), Catalog.NONE, ColumnFilter.ALL, false);
    }

    /**
     * @param binary whether the session asked for pgoutput's binary mode: then a Relation with a column whose type
     *               has no binary decoder fails at once, naming the column, instead of at its first value
     */
    public PgOutputDecoder(TypeRegistry types, Catalog catalog, ColumnFilter columnFilter, boolean binary) {
        this.types = types;
        this.catalog = catalog;
        this.columnFilter = columnFilter;
        this.binary = binary;
    }

    /** @throws DecodeException if the message is malformed or refers to an unknown relation */
    @Override
    public void decode(ByteBuffer message, long messageLsn, DecodeListener listener) {
        MessageReader r = readerFor(message, messageLsn);
        char type = r.readType();
        switch (type) {
            case MessageType.BEGIN:
                begin(r, listener);
                break;
            case MessageType.COMMIT:
                commit(r, listener);
                break;
            case MessageType.ORIGIN:
                long originLsn = r.readInt64("origin commit LSN");
                listener.origin(r.readString("origin name"), Lsn.of(originLsn));
                break;
            case MessageType.RELATION:
                relation(r, listener);
                break;
            case MessageType.TYPE:
                TypeInfo described = new TypeInfo(r.readInt32("type OID"), schemaName(r.readString("type namespace")),
                        r.readString("type name"));
                types.forget(described.getOid()); // sent when a Relation uses it: the type may have changed since
                listener.type(described);
                break;
            case MessageType.INSERT:
                insert(r, listener);
                break;
            case MessageType.UPDATE:
                update(r, listener);
                break;
            case MessageType.DELETE:
                delete(r, listener);
                break;
            case MessageType.TRUNCATE:
                truncate(r, listener);
                break;
            case MessageType.MESSAGE:
                message(r, listener);
                break;
            case MessageType.STREAM_START:
            case MessageType.STREAM_STOP:
            case MessageType.STREAM_COMMIT:
            case MessageType.STREAM_ABORT:
                throw r.error("streamed in-progress transactions (pgoutput option 'streaming', protocol version 2+)"
                        + " are not supported; connect with proto_version 1 or streaming off");
            default:
                throw r.error("unknown message type (expected one of B C O R Y I U D T M for protocol version 1)");
        }
        r.expectEnd();
    }

    /** The relation last described for {@code oid}, or null. */
    public RelationInfo relation(int oid) {
        return relations.get(oid);
    }

    private static MessageReader readerFor(ByteBuffer message, long lsn) {
        if (message.hasArray()) {
            int start = message.arrayOffset() + message.position();
            return new MessageReader(message.array(), start, start + message.remaining(), lsn);
        }
        byte[] copy = new byte[message.remaining()];
        message.duplicate().get(copy);
        return new MessageReader(copy, 0, copy.length, lsn);
    }

    private void begin(MessageReader r, DecodeListener listener) {
        commitLsn = Lsn.of(r.readInt64("final LSN"));
        commitTimestamp = timestamp(r.readInt64("commit timestamp"));
        xid = Integer.toUnsignedLong(r.readInt32("xid"));
        inTransaction = true;
        listener.begin(xid, commitLsn, commitTimestamp);
    }

    private void commit(MessageReader r, DecodeListener listener) {
        r.readByte("flags"); // unused, always 0
        Lsn lsn = Lsn.of(r.readInt64("commit LSN"));
        Lsn endLsn = Lsn.of(r.readInt64("end LSN"));
        Instant timestamp = timestamp(r.readInt64("commit timestamp"));
        inTransaction = false;
        listener.commit(lsn, endLsn, timestamp);
    }

    private void relation(MessageReader r, DecodeListener listener) {
        int oid = r.readInt32("relation OID");
        String schema = schemaName(r.readString("namespace"));
        String table = r.readString("relation name");
        char identity = (char) r.readByte("replica identity");
        int count = r.readInt16("column count") & 0xFFFF;
        List<ColumnInfo> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (r.readByte("column flags") & 1) != 0;
            String name = r.readString("column name");
            int typeOid = r.readInt32("column type OID");
            ColumnInfo column = new ColumnInfo(name, typeOid, r.readInt32("column type modifier"), key,
                    types.codec(typeOid));
            columns.add(column);
            if (binary && !column.codec().hasBinary() && columnFilter.includes(schema, table, name)) {
                throw r.error("column " + schema + '.' + table + '.' + name + " has type " + column.getTypeName()
                        + ", whose binary form pgcdc cannot decode; use binary=false (or exclude the column)");
            }
        }
        RelationInfo relation;
        try {
            relation = RelationInfo.resolve(oid, schema, table, identity, columns, catalog, columnFilter);
        } catch (IllegalArgumentException e) {
            throw r.error(e.getMessage(), e);
        }
        RelationInfo previous = relations.get(oid);
        if (previous != null && previous.describesSame(relation)) {
            // The server describes a relation again after any invalidation of its cache entry (an autovacuum's
            // ANALYZE does it): the same instance, with the same name strings, keeps what caches by identity
            // downstream, and the compiled code that checks those caches, on its usual path.
            relation = previous;
        }
        relations.put(oid, relation);
        listener.relation(relation);
    }

    private void insert(MessageReader r, DecodeListener listener) {
        RelationInfo rel = changedRelation(r);
        expectMarker(r, r.readByte("tuple marker"), MessageType.NEW_TUPLE);
        Object[] row = readTuple(r, rel);
        listener.change(change(r, Operation.INSERT, rel, RowEvents.key(rel, row), null, row));
    }

    private void update(MessageReader r, DecodeListener listener) {
        RelationInfo rel = changedRelation(r);
        byte marker = r.readByte("tuple marker");
        byte oldMarker = 0;
        Object[] old = null;
        if (marker == MessageType.OLD_KEY || marker == MessageType.OLD_TUPLE) {
            oldMarker = marker;
            old = readTuple(r, rel);
            marker = r.readByte("tuple marker");
        }
        expectMarker(r, marker, MessageType.NEW_TUPLE);
        Object[] row = readTuple(r, rel);
        Map<String, Object> before = old == null ? null : before(rel, oldMarker, old);
        if (old != null) {
            RowEvents.fillUnchanged(rel, oldMarker == MessageType.OLD_TUPLE, row, old);
        }
        listener.change(change(r, Operation.UPDATE, rel, RowEvents.key(rel, row), before, row));
    }

    private void delete(MessageReader r, DecodeListener listener) {
        RelationInfo rel = changedRelation(r);
        byte marker = r.readByte("tuple marker");
        if (marker != MessageType.OLD_KEY && marker != MessageType.OLD_TUPLE) {
            expectMarker(r, marker, MessageType.OLD_KEY);
        }
        Object[] old = readTuple(r, rel);
        listener.change(change(r, Operation.DELETE, rel, RowEvents.key(rel, old), before(rel, marker, old), null));
    }

    /** The old key ('K': a tuple with only identity columns set) or the whole old row ('O'). */
    private static Map<String, Object> before(RelationInfo rel, byte marker, Object[] old) {
        return RowEvents.before(rel, marker == MessageType.OLD_TUPLE, old);
    }

    private void truncate(MessageReader r, DecodeListener listener) {
        requireTransaction(r);
        int count = r.readInt32("relation count");
        r.readByte("options"); // CASCADE (1) / RESTART IDENTITY (2): not part of the change model
        for (int i = 0; i < count; i++) {
            RelationInfo rel = knownRelation(r, r.readInt32("relation OID"));
            listener.change(new ChangeEvent(Operation.TRUNCATE, rel.getSchema(), rel.getTable(), null, null, null,
                    null, r.lsn(), commitLsn, xid, commitTimestamp, false));
        }
    }

    private void message(MessageReader r, DecodeListener listener) {
        boolean transactional = (r.readByte("flags") & 1) != 0;
        Lsn lsn = Lsn.of(r.readInt64("message LSN"));
        String prefix = r.readString("prefix");
        int length = r.readInt32("content length");
        int at = r.skip(length, "content");
        byte[] content = new byte[length];
        System.arraycopy(r.buffer(), at, content, 0, length);
        // a transactional message belongs to the open transaction; a non-transactional one to none
        listener.message(transactional
                ? new LogicalMessage(true, lsn, prefix, content, commitLsn, xid, commitTimestamp)
                : new LogicalMessage(false, lsn, prefix, content, null, 0, null));
    }

    private RelationInfo changedRelation(MessageReader r) {
        requireTransaction(r);
        return knownRelation(r, r.readInt32("relation OID"));
    }

    private void requireTransaction(MessageReader r) {
        if (!inTransaction) {
            throw r.error("change outside a transaction (no Begin before it)");
        }
    }

    private RelationInfo knownRelation(MessageReader r, int oid) {
        RelationInfo rel = relations.get(oid);
        if (rel == null) {
            throw r.error("unknown relation OID " + Integer.toUnsignedLong(oid)
                    + " (no Relation message for it in this session)");
        }
        return rel;
    }

    private static void expectMarker(MessageReader r, byte marker, char expected) {
        if (marker != expected) {
            throw r.error("expected tuple marker '" + expected + "' but found 0x" + Integer.toHexString(marker & 0xFF));
        }
    }

    /**
     * Reads TupleData: values decoded by column type, {@link RowEvents#UNCHANGED} for unchanged TOAST, excluded
     * ones null.
     */
    private static Object[] readTuple(MessageReader r, RelationInfo rel) {
        List<ColumnInfo> columns = rel.getColumns();
        int count = r.readInt16("tuple column count") & 0xFFFF;
        if (count != columns.size()) {
            throw r.error("tuple has " + count + " columns but relation " + rel.getSchema() + '.' + rel.getTable()
                    + " has " + columns.size());
        }
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            byte kind = r.readByte("tuple column kind");
            switch (kind) {
                case 'n':
                    break;
                case 'u':
                    values[i] = RowEvents.UNCHANGED;
                    break;
                case 't':
                case 'b':
                    int length = r.readInt32("tuple column length");
                    int at = r.skip(length, "tuple column value");
                    if (rel.isKept(i)) {
                        values[i] = decodeValue(r, columns.get(i), kind == 'b', at, length);
                    }
                    break;
                default:
                    throw r.error("unknown tuple column kind 0x" + Integer.toHexString(kind & 0xFF) + " for column "
                            + columns.get(i).getName());
            }
        }
        return values;
    }

    private static Object decodeValue(MessageReader r, ColumnInfo column, boolean binary, int at, int length) {
        ValueCodec codec = column.codec();
        try {
            return binary
                    ? BinaryValueDecoder.decode(codec, r.buffer(), at, length)
                    : codec.fromText(r.buffer(), at, length);
        } catch (RuntimeException e) {
            throw r.error("cannot decode " + (binary ? "binary" : "text") + " value of column " + column.getName()
                    + " (" + codec.typeName() + "): " + e.getMessage(), e);
        }
    }

    private ChangeEvent change(MessageReader r, Operation op, RelationInfo rel, Map<String, Object> key,
                               Map<String, Object> before, Object[] row) {
        return RowEvents.change(op, rel, key, before, row, r.lsn(), commitLsn, xid, commitTimestamp);
    }

    /** An empty namespace in Relation and Type messages means pg_catalog. */
    private static String schemaName(String namespace) {
        return namespace.isEmpty() ? "pg_catalog" : namespace;
    }

    private static Instant timestamp(long pgMicros) {
        return Instant.ofEpochSecond(PG_EPOCH_SECONDS + Math.floorDiv(pgMicros, 1_000_000L),
                Math.floorMod(pgMicros, 1_000_000L) * 1000);
    }
}
