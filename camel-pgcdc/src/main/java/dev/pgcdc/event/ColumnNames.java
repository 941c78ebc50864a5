package dev.pgcdc.event;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ordered, immutable list of column names with a name-to-position index, shared by every
 * {@link RowMap} of the same shape (one per relation, not one per row) so rows carry only their values.
 */
public final class ColumnNames {

    /** Below this many columns a linear scan beats hashing. */
    private static final int INDEX_THRESHOLD = 8;

    private final String[] names;
    private final Map<String, Integer> positions;

    private ColumnNames(String[] names) {
        this.names = names;
        this.positions = names.length < INDEX_THRESHOLD ? null : indexOf(names);
    }

    public static ColumnNames of(String... names) {
        return new ColumnNames(names.clone());
    }

    public static ColumnNames of(List<String> names) {
        return new ColumnNames(names.toArray(new String[0]));
    }

    private static Map<String, Integer> indexOf(String[] names) {
        Map<String, Integer> index = new HashMap<>(names.length * 2);
        for (int i = names.length - 1; i >= 0; i--) {
            index.put(names[i], i); // the first of duplicate names wins, as in a linear scan
        }
        return index;
    }

    public int size() {
        return names.length;
    }

    public String get(int position) {
        return names[position];
    }

    /** The position of {@code name}, or -1. */
    public int positionOf(Object name) {
        if (positions != null) {
            Integer position = positions.get(name);
            return position == null ? -1 : position;
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public List<String> asList() {
        return List.of(names);
    }

    @Override
    public String toString() {
        return Arrays.toString(names);
    }
}
