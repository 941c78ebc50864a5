package dev.pgcdc.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable {@code Map<String,Object>} of one row's column values in column order: a view over a
 * shared {@link ColumnNames} and one {@code Object[]} of values, so building a row costs one array and
 * this object, with no hashing or entry objects. Null values are kept (a SQL NULL is a present column).
 * Mutators throw {@link UnsupportedOperationException}.
 */
public final class RowMap extends AbstractMap<String, Object> {

    private final ColumnNames columns;
    private final Object[] values;

    /**
     * Wraps {@code values} without copying: the caller hands the array over and must not change it.
     */
    public RowMap(ColumnNames columns, Object[] values) {
        if (columns.size() != values.length) {
            throw new IllegalArgumentException(
                    "Row has " + values.length + " values for " + columns.size() + " columns " + columns);
        }
        this.columns = columns;
        this.values = values;
    }

    /** Copies any map into a RowMap in the map's iteration order. */
    public static RowMap copyOf(Map<String, ?> map) {
        if (map instanceof RowMap) {
            return (RowMap) map;
        }
        String[] names = new String[map.size()];
        Object[] values = new Object[map.size()];
        int i = 0;
        for (Map.Entry<String, ?> e : map.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return new RowMap(ColumnNames.of(names), values);
    }

    public ColumnNames columns() {
        return columns;
    }

    /** The value of the column at {@code position} of {@link #columns()}. */
    public Object valueAt(int position) {
        return values[position];
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return columns.positionOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int position = columns.positionOf(key);
        return position < 0 ? null : values[position];
    }

    /** As any map prints, but json/jsonb values as their JSON text however deep (see {@link PgJsonWriter#jsonText}). */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            Object value = values[i];
            text.append(columns.get(i)).append('=')
                    .append(value instanceof JsonNode json ? PgJsonWriter.jsonText(json) : String.valueOf(value));
        }
        return text.append('}').toString();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(columns.get(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
