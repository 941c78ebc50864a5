package dev.pgcdc.snapshot;

import java.util.List;

/**
 * How far the snapshot of one table got: persisted after each chunk whose exchanges all completed.
 *
 * <p>A table is split into {@link RangeProgress ranges} when its snapshot starts; from then on {@code ranges} holds
 * each range's progress, and {@code done} and {@code rowsDone} their totals. Before the split (the progress saved when
 * a snapshot is requested, or by a version that read a table as one range) {@code ranges} is null and {@code lastKey}
 * says where reading continues: what is left after it is split when the snapshot starts.
 *
 * @param lastKey the primary key of the last row of the last completed chunk, each column as PostgreSQL's text
 *                (for a table without a key, its {@link BlockCursor}); null before the first chunk, and once split
 * @param ranges  the progress of each range, in key order; null before the split
 */
public record TableProgress(boolean done, List<String> lastKey, long rowsDone, List<RangeProgress> ranges) {

    public TableProgress {
        lastKey = lastKey == null ? null : List.copyOf(lastKey);
        ranges = ranges == null ? null : List.copyOf(ranges);
    }

    /** Progress not split into ranges. */
    public TableProgress(boolean done, List<String> lastKey, long rowsDone) {
        this(done, lastKey, rowsDone, null);
    }

    /** A snapshot that has not read anything yet. */
    public static TableProgress start() {
        return new TableProgress(false, null, 0);
    }

    /** The progress of a table split into these ranges: done when they all are, their rows summed. */
    static TableProgress of(List<RangeProgress> ranges) {
        return new TableProgress(ranges.stream().allMatch(RangeProgress::done), null,
                ranges.stream().mapToLong(RangeProgress::rowsDone).sum(), ranges);
    }
}
