package dev.pgcdc.snapshot;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Rows of one table read in primary key order by one keyset query.
 *
 * @param rows    decoded rows by {@link RowKey}, in key order; the chunk's window removes rows from it
 * @param size    how many rows were read
 * @param lastKey the key text of the last row read, where the next chunk starts; null if the chunk is empty
 */
record Chunk(LinkedHashMap<Object, Object[]> rows, int size, List<String> lastKey) {
}
