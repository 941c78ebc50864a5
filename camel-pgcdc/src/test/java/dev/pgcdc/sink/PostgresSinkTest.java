package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.it.Await;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgcdc → pgcdc-sink into a second database of the same server: each mode, mapping and exclusion end to end. */
class PostgresSinkTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final String TARGET = "sink_target";

    /** Every kind of value the sink binds, and a TOASTed column (EXTERNAL: stored out of line, uncompressed). */
    static final String COLUMNS = "id int PRIMARY KEY, name text, amount numeric(12,2), at timestamptz, meta jsonb,"
            + " tags int[], data bytea, ip inet, doc text";

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void createTarget() {
        PG.server().createDatabase(TARGET);
    }

    private SqlDatabase target() {
        return new SqlDatabase(() -> pg().connectTo(TARGET));
    }

    private SqlDatabase source() {
        return new SqlDatabase(() -> pg().connect());
    }

    private String sinkUri(String options) {
        return "pgcdc-sink:replica?jdbcUrl=" + pg().jdbcUrl(TARGET) + "&user=" + pg().superuser()
                + (options.isEmpty() ? "" : "&" + options);
    }

    private void route(String slot, String tables, String sinkOptions) throws Exception {
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + tables)).to(sinkUri(sinkOptions));
            }
        });
        awaitStreaming(slot);
    }

    private void createBoth(String table, String columns) {
        String create = "CREATE TABLE " + table + " (" + columns + ")";
        pg().execute(create, "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute(create);
    }

    /** Waits until the target table holds exactly the source rows (compared as to_jsonb, so value for value). */
    private void awaitEqual(String sourceTable, String targetTable) {
        String query = "SELECT to_jsonb(t)::text FROM %s t ORDER BY to_jsonb(t)::text";
        List<String> expected = source().strings(String.format(query, sourceTable));
        Await.until(targetTable + " equal to " + sourceTable, Duration.ofSeconds(30),
                () -> target().strings(String.format(query, targetTable)), expected::equals);
    }

    static final String ROW = "(%d, 'n%d', %d.25, '2026-01-02 03:04:05.123456+02', '{\"a\": [1, 2.50]}',"
            + " '{1,NULL,3}', '\\x00ff', '10.0.0.%d', repeat(md5('%d'), 200))";

    static String row(int id) {
        return String.format(ROW, id, id, id, id, id);
    }

    @Test
    void upsertMirrorsInsertsUpdatesKeyChangesUnchangedToastDeletesAndTruncate() throws Exception {
        String slot = uniqueSlot("upsert");
        String table = slot + "_t";
        createBoth(table, COLUMNS);
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES " + row(1) + ", " + row(2) + ", " + row(3),
                // doc is TOASTed and unchanged: the change lists it in unchanged, the target keeps its value
                "UPDATE " + table + " SET name = 'renamed', meta = NULL WHERE id = 1",
                // a key change that leaves the TOASTed doc unchanged: the row moves with its doc
                "UPDATE " + table + " SET id = 20, name = 'moved' WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 3",
                "BEGIN; INSERT INTO " + table + " VALUES " + row(4) + "; UPDATE " + table
                        + " SET amount = amount + 1 WHERE id = 4; COMMIT");
        awaitEqual(table, table);
        assertThat(target().strings("SELECT id || ':' || name || ':' || length(doc) FROM " + table + " ORDER BY id"))
                .containsExactly("1:renamed:6400", "4:n4:6400", "20:moved:6400");

        pg().execute("TRUNCATE " + table, "INSERT INTO " + table + " VALUES " + row(5));
        awaitEqual(table, table);
    }
}
