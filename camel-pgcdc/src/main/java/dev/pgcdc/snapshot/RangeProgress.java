package dev.pgcdc.snapshot;

import java.util.List;

/**
 * How far the snapshot of one range of a table got. A table's key space (heap blocks for a table without a key) is
 * split into ranges read at the same time; each range saves its own progress after each completed chunk, so after a
 * crash every range continues after its own last key.
 *
 * @param after    the key of the last row read in this range, each column as PostgreSQL's text; at first the range's
 *                 lower bound (the previous range's upper bound, not included); null: from the table's first key. For
 *                 a table without a key, its {@link BlockCursor}
 * @param upTo     the range's last key (included); null: to the end of the table. For a table without a key, the
 *                 block where the range ends (not included)
 * @param done     whether the range was read to its end and every row of it completed
 * @param rowsDone the rows of this range whose exchanges completed
 */
public record RangeProgress(List<String> after, List<String> upTo, boolean done, long rowsDone) {

    public RangeProgress {
        after = after == null ? null : List.copyOf(after);
        upTo = upTo == null ? null : List.copyOf(upTo);
    }

    RangeProgress advanced(List<String> lastKey, boolean last, long rows) {
        return new RangeProgress(lastKey == null ? after : lastKey, upTo, last, rowsDone + rows);
    }
}
