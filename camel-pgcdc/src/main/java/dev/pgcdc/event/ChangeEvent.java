package dev.pgcdc.event;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row change (or one truncated table, or one snapshot row): the body of a pgcdc exchange.
 *
 * <p>Immutable. Row maps ({@link #getKey()}, {@link #getBefore()}, {@link #getAfter()}) are unmodifiable,
 * in table column order, and hold natural Java values (see {@code dev.pgcdc.decode.value.BuiltinType} for
 * the type mapping). Its JSON form, with any Jackson {@code ObjectMapper}, is the one in src/ARCHITECTURE.md;
 * column values print as PostgreSQL's {@code to_jsonb} does with {@code TimeZone=UTC}
 * ({@link ChangeEventSerializer}).
 *
 * <p>Getters are JavaBean style so Camel's simple language reads {@code ${body.table}} and
 * {@code ${body.after[status]}}.
 */
@JsonSerialize(using = ChangeEventSerializer.class)
public final class ChangeEvent implements ChangeRecord {

    private final Operation op;
    private final String schema;
    private final String table;
    private final Map<String, Object> key;
    private final Map<String, Object> before;
    private final Map<String, Object> after;
    private final List<String> unchanged;
    private final Lsn lsn;
    private final Lsn commitLsn;
    private final long txId;
    private final Instant commitTimestamp;
    private final boolean snapshot;
    private final long position;
    /** Where the stream ended its transaction, not part of what the change is: left out of equals. */
    private final boolean lastInTransaction;

    /**
     * Maps are taken as given (not copied: pass {@link RowMap}s or other unmodifiable maps);
     * {@code unchanged} may be null for none.
     */
    public ChangeEvent(Operation op, String schema, String table,
                       Map<String, Object> key, Map<String, Object> before, Map<String, Object> after,
                       List<String> unchanged, Lsn lsn, Lsn commitLsn, long txId, Instant commitTimestamp,
                       boolean snapshot) {
        this(op, schema, table, key, before, after, unchanged, lsn, commitLsn, txId, commitTimestamp, snapshot, -1,
                false);
    }

    private ChangeEvent(Operation op, String schema, String table,
                        Map<String, Object> key, Map<String, Object> before, Map<String, Object> after,
                        List<String> unchanged, Lsn lsn, Lsn commitLsn, long txId, Instant commitTimestamp,
                        boolean snapshot, long position, boolean lastInTransaction) {
        this.op = Objects.requireNonNull(op, "op");
        this.schema = schema;
        this.table = table;
        this.key = key;
        this.before = before;
        this.after = after;
        this.unchanged = unchanged == null ? List.of() : unchanged;
        this.lsn = lsn;
        this.commitLsn = commitLsn;
        this.txId = txId;
        this.commitTimestamp = commitTimestamp;
        this.snapshot = snapshot;
        this.position = position;
        this.lastInTransaction = lastInTransaction;
    }

    @Override
    public ChangeEvent withPosition(long position) {
        return new ChangeEvent(op, schema, table, key, before, after, unchanged, lsn, commitLsn, txId, commitTimestamp,
                snapshot, position, false);
    }

    @Override
    public ChangeEvent markedLast() {
        return new ChangeEvent(op, schema, table, key, before, after, unchanged, lsn, commitLsn, txId, commitTimestamp,
                snapshot, position, true);
    }

    @Override
    public boolean isLastInTransaction() {
        return lastInTransaction;
    }

    @Override
    public Operation getOp() {
        return op;
    }

    public String getSchema() {
        return schema;
    }

    public String getTable() {
        return table;
    }

    /**
     * The row's primary key columns as the table had them when the change was made (under REPLICA IDENTITY USING
     * INDEX: the index's columns; for a table without primary key under FULL: the whole row); null for a truncate,
     * and null when that key cannot be known (e.g. a table under FULL dropped before the change was decoded).
     */
    public Map<String, Object> getKey() {
        return key;
    }

    /** The old row as far as the server sent it (only key columns under REPLICA IDENTITY DEFAULT), or null. */
    public Map<String, Object> getBefore() {
        return before;
    }

    /** The new row, without {@link #getUnchanged() unchanged} columns; null for delete and truncate. */
    public Map<String, Object> getAfter() {
        return after;
    }

    /** Columns whose TOASTed value did not change and was not sent; never null. */
    public List<String> getUnchanged() {
        return unchanged;
    }

    /** The WAL position of this change's message. */
    @Override
    public Lsn getLsn() {
        return lsn;
    }

    /** The commit LSN of the change's transaction (Begin's final LSN). */
    @Override
    public Lsn getCommitLsn() {
        return commitLsn;
    }

    @Override
    public long getTxId() {
        return txId;
    }

    @Override
    public Instant getCommitTimestamp() {
        return commitTimestamp;
    }

    public boolean isSnapshot() {
        return snapshot;
    }

    @Override
    public long getPosition() {
        return position;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ChangeEvent)) {
            return false;
        }
        ChangeEvent that = (ChangeEvent) o;
        return txId == that.txId && position == that.position && snapshot == that.snapshot && op == that.op
                && Objects.equals(schema, that.schema) && Objects.equals(table, that.table)
                && Objects.equals(key, that.key) && Objects.equals(before, that.before)
                && Objects.equals(after, that.after) && unchanged.equals(that.unchanged)
                && Objects.equals(lsn, that.lsn) && Objects.equals(commitLsn, that.commitLsn)
                && Objects.equals(commitTimestamp, that.commitTimestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, schema, table, key, lsn, txId);
    }

    @Override
    public String toString() {
        return "ChangeEvent{id=" + getId() + ", op=" + op.code() + ", table=" + schema + '.' + table + ", key=" + key
                + ", before=" + before + ", after=" + after + ", unchanged=" + unchanged + ", lsn=" + lsn
                + ", commitLsn=" + commitLsn + ", txId=" + txId + ", commitTimestamp=" + commitTimestamp
                + ", snapshot=" + snapshot + '}';
    }
}
