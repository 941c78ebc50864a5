package dev.pgcdc.snapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pgcdc.pg.Identifiers;
import dev.pgcdc.pg.PgCatalog;

/**
 * Splits what is left of a table into ranges of about equal rows, read at the same time.
 *
 * <p>A table with a key is split at quantiles of a sample of its key, not by arithmetic on its smallest and largest
 * key: UUIDs, text keys, composite keys and integer keys with huge gaps then split as evenly as dense integers. The
 * sample is {@code TABLESAMPLE SYSTEM} of about {@value #SAMPLE_BLOCKS} heap blocks (all of a smaller table): random
 * whole blocks, so its cost does not grow with the table, and its error is that of {@value #SAMPLE_BLOCKS} random
 * draws, a few percent of the table per boundary even when keys are clustered by block. The server orders the sample
 * by the key's own ordering ({@code ntile} over {@code ORDER BY key}), the one the chunks are read in, and returns
 * the largest key of each tile but the last as a boundary. {@code pg_stats.histogram_bounds} is not used: it covers
 * only a key's first column and is as old as the last ANALYZE.
 *
 * <p>A table without a key is split into even ranges of its heap blocks ({@code pg_relation_size}).
 */
final class RangeSplit {

    /** Heap blocks sampled to place the boundaries. */
    static final int SAMPLE_BLOCKS = 512;

    private RangeSplit() {
    }

    /** Ranges for this many readers: one per reader, but none expected to hold less than a chunk. */
    static int rangesFor(TableLayout table, int readers, int chunkSize) {
        return (int) Math.max(1, Math.min(readers, table.estimatedRows() / chunkSize));
    }

    /**
     * Up to {@code ranges} ranges of the keys after {@code after} (null: all keys), each from the last boundary (not
     * included) to its own (included), the last to the end of the table. Fewer when the sample holds fewer keys.
     */
    static List<RangeProgress> keys(Connection connection, TableLayout table, List<String> after, int ranges)
            throws SQLException {
        List<RangeProgress> split = new ArrayList<>();
        List<String> lower = after;
        if (ranges > 1) {
            for (List<String> boundary : boundaries(connection, table, after, ranges)) {
                split.add(new RangeProgress(lower, boundary, false, 0));
                lower = boundary;
            }
        }
        split.add(new RangeProgress(lower, null, false, 0));
        return split;
    }

    private static List<List<String>> boundaries(Connection connection, TableLayout table, List<String> after,
                                                 int ranges) throws SQLException {
        long blocks = new PgCatalog(connection).blocks(table.id());
        double percent = blocks <= SAMPLE_BLOCKS ? 100 : 100.0 * SAMPLE_BLOCKS / blocks;
        List<String> columns = table.keyColumns().asList();
        List<String> aliases = IntStream.range(0, columns.size()).mapToObj(k -> "k" + k).toList();
        String sampled = IntStream.range(0, columns.size())
                .mapToObj(k -> Identifiers.quote(columns.get(k)) + " AS " + aliases.get(k))
                .collect(Collectors.joining(", "));
        List<String> conditions = new ArrayList<>();
        if (table.rowFilter() != null) {
            conditions.add("(" + table.rowFilter() + ")");
        }
        if (after != null) {
            conditions.add(table.keyRow() + " > " + table.keyLiteral(after));
        }
        // ordered by the sampled values (s.k0), not by their text output columns of the same names
        String sql = "SELECT DISTINCT ON (tile) " + aliases.stream().map(a -> a + "::text").collect(
                Collectors.joining(", ")) + " FROM (SELECT " + sampled + ", ntile(" + ranges + ") OVER (ORDER BY "
                + table.keyList() + ") AS tile FROM "
                + table.id().quoted() + " TABLESAMPLE SYSTEM (" + percent + ")"
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + ") s ORDER BY tile, "
                + aliases.stream().map(a -> "s." + a + " DESC").collect(Collectors.joining(", "));
        List<List<String>> tileEnds = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                List<String> key = new ArrayList<>();
                for (int k = 1; k <= columns.size(); k++) {
                    key.add(rs.getString(k));
                }
                tileEnds.add(key);
            }
        }
        // the last tile ends at the sample's largest key; its range goes on to the end of the table
        return tileEnds.isEmpty() ? List.of() : tileEnds.subList(0, tileEnds.size() - 1);
    }

    /**
     * Up to {@code ranges} even ranges of the heap blocks from the cursor's to the table's size now, each with the
     * cursor's horizon; the last goes on to the end of the table.
     */
    static List<RangeProgress> blocks(Connection connection, TableLayout table, BlockCursor from, int ranges)
            throws SQLException {
        long start = from.nextBlock();
        long span = Math.max(0, new PgCatalog(connection).blocks(table.id()) - start);
        int n = (int) Math.max(1, Math.min(ranges, span));
        List<RangeProgress> split = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long first = start + span * i / n;
            List<String> end = i == n - 1 ? null : List.of(Long.toString(start + span * (i + 1) / n));
            split.add(new RangeProgress(from.at(first).toKey(), end, false, 0));
        }
        return split;
    }
}
