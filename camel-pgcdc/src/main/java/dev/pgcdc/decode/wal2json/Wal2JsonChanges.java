package dev.pgcdc.decode.wal2json;

import dev.pgcdc.decode.Catalog;
import dev.pgcdc.decode.ColumnFilter;
import dev.pgcdc.decode.ColumnInfo;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.decode.RowEvents;
import dev.pgcdc.decode.TableDescription;
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
 * catalog does not fit (the change was written before a later ALTER TABLE), the change describes its own table.
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
     * @param columns  the new row (insert, update), else null
     * @param identity the old key or old row (update, delete), else null
     * @throws IllegalArgumentException if the change cannot be decoded; the caller adds the position
     */
    void change(Operation op, String schema, String table, Wal2JsonColumns columns, Wal2JsonColumns identity, Lsn lsn,
                OpenTransaction tx, DecodeListener listener) {
        if (op == Operation.TRUNCATE) {
            listener.change(new ChangeEvent(op, schema, table, null, null, null, null, lsn, tx.commitLsn(), tx.xid(),
                    tx.commitTimestamp(), false));
            return;
        }
        if (columns == null && identity == null) {
            throw new IllegalArgumentException("no row and no identity for a change of " + schema + '.' + table);
        }
        RelationInfo rel = relation(op, schema, table, columns, identity, listener);
        // a column missing from an update's new row is an unchanged TOAST value; an insert has every column
        Object[] row = columns == null ? null : row(rel, columns, op == Operation.UPDATE ? RowEvents.UNCHANGED : null);
        Object[] old = identity == null ? null : row(rel, identity, null);
        boolean wholeOldRow = rel.getReplicaIdentity() == RelationInfo.IDENTITY_FULL;
        Map<String, Object> before = null;
        if (old != null && (wholeOldRow || row == null || identityChanged(rel, old, row))) {
            before = RowEvents.before(rel, wholeOldRow, old);
        }
        if (wholeOldRow && old != null && row != null) {
            RowEvents.fillUnchanged(row, old);
        }
        listener.change(RowEvents.change(op, rel, RowEvents.key(rel, row != null ? row : old), before, row, lsn,
                tx.commitLsn(), tx.xid(), tx.commitTimestamp()));
    }

    private RelationInfo relation(Operation op, String schema, String table, Wal2JsonColumns columns,
                                  Wal2JsonColumns identity, DecodeListener listener) {
        List<String> name = List.of(schema, table);
        boolean complete = op == Operation.INSERT;
        RelationInfo rel = relations.get(name);
        if (rel == null || !fits(rel, columns, complete) || !fits(rel, identity, false)) {
            rel = describe(schema, table, columns, identity, complete);
            relations.put(name, rel);
            listener.relation(rel);
        }
        return rel;
    }

    private RelationInfo describe(String schema, String table, Wal2JsonColumns columns, Wal2JsonColumns identity,
                                  boolean complete) {
        TableDescription described = catalog.table(schema, table);
        if (described != null) {
            List<ColumnInfo> infos = new ArrayList<>();
            for (TableDescription.Column column : described.columns()) {
                infos.add(new ColumnInfo(column.name(), column.typeOid(), column.typeModifier(), column.identity(),
                        types.codec(column.typeOid())));
            }
            RelationInfo rel = RelationInfo.resolve(described.oid(), schema, table, described.replicaIdentity(), infos,
                    catalog, columnFilter);
            if (fits(rel, columns, complete) && fits(rel, identity, false)) {
                return rel;
            }
        }
        return describedByChange(schema, table, columns, identity, described);
    }

    /** The table as the change shows it; identity flags from the catalog where it still has the column. */
    private RelationInfo describedByChange(String schema, String table, Wal2JsonColumns columns,
                                           Wal2JsonColumns identity, TableDescription described) {
        Map<String, Integer> shown = new LinkedHashMap<>();
        for (Wal2JsonColumns tuple : new Wal2JsonColumns[] {columns, identity}) {
            for (int i = 0; tuple != null && i < tuple.size(); i++) {
                shown.putIfAbsent(tuple.name(i), tuple.typeOid(i));
            }
        }
        Map<String, Boolean> identityFlags = new HashMap<>();
        if (described != null) {
            described.columns().forEach(column -> identityFlags.put(column.name(), column.identity()));
        }
        List<ColumnInfo> infos = new ArrayList<>();
        shown.forEach((column, typeOid) -> infos.add(new ColumnInfo(column, typeOid, -1,
                identityFlags.getOrDefault(column, false), types.codec(typeOid))));
        return RelationInfo.resolve(described == null ? 0 : described.oid(), schema, table,
                described == null ? RelationInfo.IDENTITY_DEFAULT : described.replicaIdentity(), infos, catalog,
                columnFilter);
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
