package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

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
        target().awaitRowsEqual(targetTable, source(), sourceTable);
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

    @Test
    void appendRecordsEveryChangeOnceEvenWhenRedeliveredIncludingRowsOfOneCopyRecord() throws Exception {
        String slot = uniqueSlot("append");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute("CREATE TABLE " + table + " (id int, name text, _pgcdc_op char(1), _pgcdc_commit_lsn bigint,"
                + " _pgcdc_seq bigint, _pgcdc_lsn bigint, _pgcdc_commit_ts timestamptz,"
                + " PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))");
        List<Exchange> sent = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> sent.add(e.copy()))
                        .to(sinkUri("tableModes=" + table + ":append"));
            }
        });
        awaitStreaming(slot);
        try (Connection connection = pg().connect()) {
            // COPY writes one WAL record for many rows: their changes share one LSN, positions tell them apart
            new CopyManager(connection.unwrap(BaseConnection.class)).copyIn("COPY " + table + " FROM STDIN",
                    new StringReader("1\tone\n2\ttwo\n3\tthree\n"));
        }
        pg().execute("UPDATE " + table + " SET name = 'uno' WHERE id = 1", "DELETE FROM " + table + " WHERE id = 2",
                "TRUNCATE " + table);
        String history = "SELECT _pgcdc_op || ' ' || coalesce(id::text, '-') || ' ' || coalesce(name, '-') FROM "
                + table + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        List<String> expected = List.of("c 1 one", "c 2 two", "c 3 three", "u 1 uno", "d 2 -", "t - -");
        Await.until("history appended", Duration.ofSeconds(30), () -> target().strings(history), expected::equals);
        assertThat(target().strings("SELECT count(DISTINCT _pgcdc_lsn) FROM " + table + " WHERE _pgcdc_op = 'c'"))
                .containsExactly("1");

        // the consumer's redelivery after a crash sends the same changes again: nothing is appended twice
        ProducerTemplate template = contexts.get(0).createProducerTemplate();
        for (Exchange exchange : sent) {
            Exchange again = template.send(sinkUri("tableModes=" + table + ":append"), exchange.copy());
            assertThat(again.getException()).isNull();
        }
        assertThat(target().strings(history)).isEqualTo(expected);
    }

    @Test
    void softDeleteWithTableMappingAndExcludedColumns() throws Exception {
        String slot = uniqueSlot("soft");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, secret text, note text)");
        target().execute("CREATE SCHEMA archive", "CREATE TABLE archive.\"Copy\" (id int PRIMARY KEY, name text,"
                + " _pgcdc_deleted boolean NOT NULL DEFAULT false)");
        route(slot, table, "mode=softDelete&tableMapping=" + table + ":archive.\"Copy\"&excludeColumns=secret,"
                + table + ".note");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 's1', 'n1'), (2, 'b', 's2', 'n2')",
                "DELETE FROM " + table + " WHERE id = 1", "UPDATE " + table + " SET name = 'bb' WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 2", "INSERT INTO " + table + " VALUES (2, 'again', 's', 'n')");
        String rows = "SELECT id || ' ' || name || ' ' || _pgcdc_deleted FROM archive.\"Copy\" ORDER BY id";
        Await.until("soft deletes applied", Duration.ofSeconds(30), () -> target().strings(rows),
                List.of("1 a true", "2 again false")::equals);
    }

    @Test
    void aMissingTargetColumnFailsTheExchangeClearlyAndNothingIsAcknowledgedUntilTheTargetIsFixed() throws Exception {
        String slot = uniqueSlot("missing");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, extra text)");
        target().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        FailureRecorder failures = new FailureRecorder();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(failures).to(sinkUri(""));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 'x')");
        assertThat(failures.awaitFirstError())
                .contains("Could not apply change c of public." + table, "has no column(s) [extra]");
        assertThat(target().strings("SELECT count(*) FROM " + table)).containsExactly("0");
        // several status updates in which the failed transaction could (wrongly) be confirmed
        long updates = consumer(context).stats().statusUpdateCount();
        Await.until("three status updates after the failure", Duration.ofSeconds(30),
                () -> consumer(context).stats().statusUpdateCount() >= updates + 3);
        assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(failures.failedCommit.get());

        target().execute("ALTER TABLE " + table + " ADD COLUMN extra text");
        awaitEqual(table, table);
    }

    @Test
    void eachBadTargetIsAClearErrorOnItsExchange() throws Exception {
        String slot = uniqueSlot("bad");
        String[] tables = {slot + "_nowhere", slot + "_checked", slot + "_nokey", slot + "_log"};
        for (String table : tables) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int)");
        }
        target().execute("CREATE TABLE " + tables[1] + " (id int PRIMARY KEY, n int CHECK (n > 0))",
                "CREATE TABLE " + tables[2] + " (id int, n int)",
                "CREATE TABLE " + tables[3] + " (id int, n int)");
        List<String> errors = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                onException(SinkException.class).handled(true).process(e -> errors.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                from(uri(slot, "tables=" + String.join(",", tables)))
                        .to(sinkUri("tableModes=" + tables[3] + ":append"));
            }
        });
        awaitStreaming(slot);
        for (String table : tables) {
            pg().execute("INSERT INTO " + table + " VALUES (1, -1)");
        }
        Await.until("four failures", Duration.ofSeconds(30), () -> errors.size() >= 4);
        assertThat(errors.get(0)).contains(tables[0], "does not exist", "set createTables=true");
        assertThat(errors.get(1)).contains(tables[1], "violates check constraint");
        assertThat(errors.get(2)).contains(tables[2], "needs a primary key or unique index on exactly [id]");
        assertThat(errors.get(3)).contains(tables[3], "has no column(s) [_pgcdc_op, _pgcdc_commit_lsn");
    }
}
