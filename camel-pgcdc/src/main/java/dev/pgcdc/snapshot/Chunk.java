package dev.pgcdc.snapshot;

import java.util.List;

/**
 * Rows of one table read in primary key order by one keyset query.
 *
 * @param rows    decoded rows, in key order
 * @param lastKey the key text of the last row read, where the next chunk starts; null if the chunk is empty
 */
record Chunk(List<Object[]> rows, List<String> lastKey) {

    int size() {
        return rows.size();
    }
}
