package dev.pgcdc.decode.wal2json;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.decode.ColumnInfo;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.decode.RowEvents;
import dev.pgcdc.pg.TableDescription;
import dev.pgcdc.decode.pgoutput.PgOutputDecoder;
import dev.pgcdc.decode.value.TypeRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;

/**
 * Builds change events from wal2json's tuples exactly as {@link PgOutputDecoder} builds them from pgoutput's (both go
 * through {@link RowEvents}), whichever wal2json format carried them.
 *
 * <p>wal2json describes no relations, so each table's columns, replica identity and key come from the
 * {@link Catalog}, read when the table's first change arrives and again when a change no longer fits (its columns
 * or their types differ: the table was altered). The catalog is what is needed to see unchanged TOAST columns, which
 * wal2json simply leaves out of an update: a column the table has but the new row lacks is one. When even a fresh
 * catalog does not fit (the change was written before a later ALTER TABLE, or the table was dropped since), the
 * change describes its own table.
 *
 * <p>The catalog answers for today; what wal2json prints with a change was true when it was made. So the change's
 * own identity: its {@code pk} (option {@code include-pk}: the primary key as it was) is the event key (except under
 * REPLICA IDENTITY USING INDEX, where the key is the index's columns, as with pgoutput), and its
 * {@code identity}/{@code oldkeys} names the replica identity columns; a relation whose key or identity columns
 * differ from those does not fit. Without a {@code pk} (a table without primary key, or format-version 1 under
 * REPLICA IDENTITY FULL) the key comes from the catalog as for pgoutput; for a table the catalog no longer knows it is
 * the replica identity the change carries if that is narrower than the row, else unknown (null): an insert carries
 * none, and every column may be a whole row under FULL.
 *
 * <p>wal2json prints an update's {@code identity} even when the old key is unchanged (taken from the new row), where
 * pgoutput sends no old key; {@code before} is therefore set only when an identity value differs from the new row,
 * or under REPLICA IDENTITY FULL (whole old row), as pgoutput does.
 */
final class Wal2JsonChanges {

    private final TypeRegistry types;
    private final Catalog catalog;
    private final ColumnFilter columnFilter;
    /** By (schema, table): wal2json names tables, it does not number them. */
    private final Map<List<String>, RelationInfo> relations = new HashMap<>();

    Wal2JsonChanges(TypeRegistry types, Catalog catalog, ColumnFilter columnFilter) {
        this.types = types;
        this.catalog = catalog;
        this.columnFilter = columnFilter;
    }

    /**
     * Decodes a change without telling the listener anything, so that what the caller reports as undecodable is
     * only what decoding threw: the caller {@link Decoded#deliver delivers} the result.
     *
     * @param columns  the new row (insert, update), else null
     * @param identity the old key or old row (update, delete), else null
     * @param pk       the table's primary key columns when the change was made, empty if not sent
     * @throws IllegalArgumentException if the change cannot be decoded; the caller adds the position
     */
    Decoded change(Operation op, String schema, String table, Wal2JsonColumns columns, Wal2JsonColumns identity,
                   List<String> pk, Lsn lsn, OpenTransaction tx) {
        if (op == Operation.TRUNCATE) {
            return new Decoded(null, new ChangeEvent(op, schema, table, null, null, null, null, lsn, tx.commitLsn(),
                    tx.xid(), tx.commitTimestamp(), false));
        }
        if (columns == null && identity == null) {
            throw new IllegalArgumentException("no row and no identity for a change of " + schema + '.' + table);
        }
        List<String> name = List.of(schema, table);
        boolean complete = op == Operation.INSERT;
        Shown shown = new Shown(columns, identity, pk);
        RelationInfo known = relations.get(name);
        RelationInfo rel = known != null && shown.fit(known, complete) ? known
                : describe(schema, table, shown, complete);
        // a column missing from an update's new row is an unchanged TOAST value; an insert has every column
        Object[] row = columns == null ? null : row(rel, columns, op == Operation.UPDATE ? RowEvents.UNCHANGED : null);
        Object[] old = identity == null ? null : row(rel, identity, null);
        boolean wholeOldRow = rel.getReplicaIdentity() == RelationInfo.IDENTITY_FULL;
        Map<String, Object> before = null;
        if (old != null && (wholeOldRow || row == null || identityChanged(rel, old, row))) {
            before = RowEvents.before(rel, wholeOldRow, old);
        }
        if (old != null && row != null) {
            RowEvents.fillUnchanged(rel, wholeOldRow, row, old);
        }
        ChangeEvent event = RowEvents.change(op, rel, RowEvents.key(rel, row != null ? row : old), before, row, lsn,
                tx.commitLsn(), tx.xid(), tx.commitTimestamp());
        if (rel == known) {
            return new Decoded(null, event);
        }
        // kept only once a change decoded with it: a relation is announced before the first change that uses it
        relations.put(name, rel);
        return new Decoded(rel, event);
    }

    /** A decoded change, and the relation to announce before it when the table was (again) described for it. */
    record Decoded(RelationInfo described, ChangeEvent event) {

        void deliver(DecodeListener listener) {
            if (described != null) {
                listener.relation(described);
            }
            listener.change(event);
        }
    }

    /** What one change shows of its table: new row, old key or row, primary key (each may be absent). */
    private record Shown(Wal2JsonColumns columns, Wal2JsonColumns identity, List<String> pk) {

        /** Whether the relation has the change's columns (all of them for an insert), identity columns and key. */
        boolean fit(RelationInfo rel, boolean complete) {
            return fits(rel, columns, complete) && fits(rel, identity, false)
                    && (identity == null || sameIdentity(rel, identity))
                    && (pk.isEmpty() || rel.getReplicaIdentity() == RelationInfo.IDENTITY_INDEX || sameKey(rel, pk));
        }
    }

    /** Whether the tuple's columns (known to be the relation's) are exactly its identity columns. */
    private static boolean sameIdentity(RelationInfo rel, Wal2JsonColumns identity) {
        int flagged = 0;
        for (ColumnInfo column : rel.getColumns()) {
            flagged += column.isKey() ? 1 : 0;
        }
        for (int i = 0; i < identity.size(); i++) {
            if (!rel.getColumns().get(rel.columnNames().positionOf(identity.name(i))).isKey()) {
                return false;
            }
        }
        return identity.size() == flagged;
    }

    private static boolean sameKey(RelationInfo rel, List<String> pk) {
        ColumnNames key = rel.keyNames();
        if (key == null || key.size() != pk.size()) {
            return false;
        }
        for (String column : pk) {
            if (key.positionOf(column) < 0) {
                return false;
            }
        }
        return true;
    }

    private RelationInfo describe(String schema, String table, Shown shown, boolean complete) {
        TableDescription described = catalog.table(schema, table);
        if (described != null) {
            List<ColumnInfo> infos = new ArrayList<>();
            for (TableDescription.Column column : described.columns()) {
                infos.add(new ColumnInfo(column.name(), column.typeOid(), column.typeModifier(), column.identity(),
                        types.codec(column.typeOid())));
            }
            RelationInfo rel = RelationInfo.resolve(described.oid(), schema, table, described.replicaIdentity(), infos,
                    catalog, columnFilter);
            if (shown.fit(rel, complete)) {
                return rel;
            }
        }
        return describedByChange(schema, table, shown, described);
    }

    /**
     * The table as the change shows it: identity columns as the change names them (else the catalog's flags, where
     * it still has the column), the key as the class comment says.
     */
    private RelationInfo describedByChange(String schema, String table, Shown change, TableDescription described) {
        Map<String, Integer> typeOids = new LinkedHashMap<>();
        for (Wal2JsonColumns tuple : new Wal2JsonColumns[] {change.columns(), change.identity()}) {
            for (int i = 0; tuple != null && i < tuple.size(); i++) {
                typeOids.putIfAbsent(tuple.name(i), tuple.typeOid(i));
            }
        }
        Map<String, Boolean> identityFlags = new HashMap<>();
        if (change.identity() != null) {
            names(change.identity()).forEach(column -> identityFlags.put(column, true));
        } else if (described != null) {
            described.columns().forEach(column -> identityFlags.put(column.name(), column.identity()));
        }
        List<ColumnInfo> infos = new ArrayList<>();
        List<String> identityColumns = new ArrayList<>();
        typeOids.forEach((column, typeOid) -> {
            boolean identity = identityFlags.getOrDefault(column, false);
            infos.add(new ColumnInfo(column, typeOid, -1, identity, types.codec(typeOid)));
            if (identity) {
                identityColumns.add(column);
            }
        });
        char replicaIdentity = described == null ? RelationInfo.IDENTITY_DEFAULT : described.replicaIdentity();
        List<String> key;
        if (!change.pk().isEmpty() && replicaIdentity != RelationInfo.IDENTITY_INDEX) {
            key = change.pk();
        } else if (described == null) {
            // nothing else knows the table: a replica identity narrower than the row is its key
            key = change.identity() != null && identityColumns.size() < typeOids.size() ? identityColumns : null;
        } else {
            return RelationInfo.resolve(described.oid(), schema, table, replicaIdentity, infos, catalog, columnFilter);
        }
        return RelationInfo.withKey(described == null ? 0 : described.oid(), schema, table, replicaIdentity, infos, key,
                columnFilter);
    }

    private static List<String> names(Wal2JsonColumns tuple) {
        List<String> names = new ArrayList<>(tuple.size());
        for (int i = 0; i < tuple.size(); i++) {
            names.add(tuple.name(i));
        }
        return names;
    }

    /** Whether every column of the tuple is one of the relation's, with the same type (and all of them if complete). */
    private static boolean fits(RelationInfo rel, Wal2JsonColumns tuple, boolean complete) {
        if (tuple == null) {
            return true;
        }
        if (complete && tuple.size() != rel.getColumns().size()) {
            return false;
        }
        for (int i = 0; i < tuple.size(); i++) {
            int position = rel.columnNames().positionOf(tuple.name(i));
            if (position < 0 || rel.getColumns().get(position).getTypeOid() != tuple.typeOid(i)) {
                return false;
            }
        }
        return true;
    }

    /** The tuple's values at the relation's column positions; {@code absent} where the tuple has no value. */
    private static Object[] row(RelationInfo rel, Wal2JsonColumns tuple, Object absent) {
        Object[] values = new Object[rel.getColumns().size()];
        if (absent != null) {
            Arrays.fill(values, absent);
        }
        for (int i = 0; i < tuple.size(); i++) {
            int position = rel.columnNames().positionOf(tuple.name(i));
            values[position] = rel.isKept(position) ? decode(rel.getColumns().get(position), tuple.text(i)) : null;
        }
        return values;
    }

    private static Object decode(ColumnInfo column, String text) {
        if (text == null) {
            return null;
        }
        try {
            return column.codec().fromText(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode value of column " + column.getName() + " ("
                    + column.getTypeName() + "): " + e.getMessage(), e);
        }
    }

    /** Whether the old key differs from the new row's: only then does pgoutput send an old key. */
    private static boolean identityChanged(RelationInfo rel, Object[] old, Object[] row) {
        for (int position : rel.identity().positions()) {
            if (!Objects.deepEquals(old[position], row[position])) {
                return true;
            }
        }
        return false;
    }
}
