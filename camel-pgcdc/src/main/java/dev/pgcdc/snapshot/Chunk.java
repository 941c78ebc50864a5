package dev.pgcdc.snapshot;

import java.util.List;

/**
 * Rows of one table read by one chunk query.
 *
 * @param rows    decoded rows, in key order for a table with a key
 * @param lastKey where the next chunk starts: the key text of the last row read (null if the chunk is empty), or
 *                for a table without a key its {@link BlockCursor}
 * @param last    whether the chunk reached the end of the table
 */
record Chunk(List<Object[]> rows, List<String> lastKey, boolean last) {

    int size() {
        return rows.size();
    }
}
