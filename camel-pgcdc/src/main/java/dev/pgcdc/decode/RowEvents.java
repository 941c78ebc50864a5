package dev.pgcdc.decode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import dev.pgcdc.event.RowMap;

/**
 * Turns decoded rows into {@link ChangeEvent}s, the same way for every output plugin: a row is an array of values in
 * the relation's column order, with {@link #UNCHANGED} where the server did not send an unchanged TOAST value and
 * null for excluded columns. Sharing this is what makes pgoutput and wal2json produce identical events.
 */
public final class RowEvents {

    /** Marks an unchanged TOAST column in a decoded row until the maps are built. */
    public static final Object UNCHANGED = new Object();

    private RowEvents() {
    }

    /** A row change; {@code row} is the new row (null for a delete). */
    public static ChangeEvent change(Operation op, RelationInfo rel, Map<String, Object> key,
                                     Map<String, Object> before, Object[] row, Lsn lsn, Lsn commitLsn, long xid,
                                     Instant commitTimestamp) {
        Map<String, Object> after = null;
        List<String> unchanged = null;
        if (row != null) {
            RelationInfo.Projection kept = rel.keptColumns();
            after = withoutUnchanged(kept, row);
            unchanged = after.size() == kept.positions().length ? null : unchangedNames(kept, row);
        }
        return new ChangeEvent(op, rel.getSchema(), rel.getTable(), key, before, after, unchanged, lsn, commitLsn, xid,
                commitTimestamp, false);
    }

    /**
     * The event's {@code before}: the whole old row (REPLICA IDENTITY FULL) or only the replica identity columns of
     * an old key.
     */
    public static Map<String, Object> before(RelationInfo rel, boolean wholeRow, Object[] old) {
        return withoutUnchanged(wholeRow ? rel.keptColumns() : rel.identity(), old);
    }

    /**
     * The key columns of a tuple (a key column still unchanged is left out: value unknown); null if the relation's
     * key is unknown.
     */
    public static Map<String, Object> key(RelationInfo rel, Object[] row) {
        return rel.key() == null ? null : withoutUnchanged(rel.key(), row);
    }

    /**
     * Fills unchanged TOAST columns of the new row from the old tuple: from every column of a whole old row
     * (REPLICA IDENTITY FULL), from the identity columns of an old key. The server sends an old key when an
     * identity column is TOASTed on disk even if the key did not change, so this is where such a key's value is.
     */
    public static void fillUnchanged(RelationInfo rel, boolean wholeRow, Object[] row, Object[] old) {
        for (int i : (wholeRow ? rel.keptColumns() : rel.identity()).positions()) {
            if (row[i] == UNCHANGED) {
                row[i] = old[i];
            }
        }
    }

    /** The projected columns of a row, less unchanged TOAST ones. */
    private static RowMap withoutUnchanged(RelationInfo.Projection projection, Object[] row) {
        int[] positions = projection.positions();
        int unchanged = 0;
        for (int position : positions) {
            if (row[position] == UNCHANGED) {
                unchanged++;
            }
        }
        if (unchanged == 0 && positions.length == row.length) {
            return new RowMap(projection.names(), row); // the common case: every column, no copy
        }
        String[] names = unchanged == 0 ? null : new String[positions.length - unchanged];
        Object[] values = new Object[positions.length - unchanged];
        for (int p = 0, k = 0; p < positions.length; p++) {
            Object value = row[positions[p]];
            if (value != UNCHANGED) {
                if (names != null) {
                    names[k] = projection.names().get(p);
                }
                values[k++] = value;
            }
        }
        return new RowMap(names == null ? projection.names() : ColumnNames.of(names), values);
    }

    private static List<String> unchangedNames(RelationInfo.Projection projection, Object[] row) {
        List<String> unchanged = new ArrayList<>(2);
        int[] positions = projection.positions();
        for (int p = 0; p < positions.length; p++) {
            if (row[positions[p]] == UNCHANGED) {
                unchanged.add(projection.names().get(p));
            }
        }
        return List.copyOf(unchanged);
    }

}
