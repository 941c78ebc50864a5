package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/** pgcdc → pgcdc-sink into a second database of the same server: each mode, mapping and exclusion end to end. */
class PostgresSinkTest extends SinkTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().setting("max_replication_slots", "40").build();
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

    @Override
    protected SqlDatabase target() {
        return new SqlDatabase(() -> pg().connectTo(TARGET));
    }

    @Override
    protected String sinkUri(String options) {
        return "pgcdc-sink:replica?jdbcUrl=" + pg().jdbcUrl(TARGET) + "&user=" + pg().superuser()
                + (options.isEmpty() ? "" : "&" + options);
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
        writeUpsertChanges(table, PostgresSinkTest::row);
        // a column set to NULL is written as NULL (doc again unchanged)
        pg().execute("UPDATE " + table + " SET meta = NULL WHERE id = 1");
        awaitEqual(table, table);
        assertThat(target().strings("SELECT id || ':' || name || ':' || length(doc) FROM " + table + " ORDER BY id"))
                .containsExactly("1:renamed:6400", "4:n4:6400", "20:moved:6400");

        pg().execute("TRUNCATE " + table, "INSERT INTO " + table + " VALUES " + row(5));
        awaitEqual(table, table);
    }

    /**
     * Runs of deletes from one table go as one statement each (counted by a statement-level trigger in the target),
     * by a single-column key and by a multi-column key of odd names and value texts; an array-typed key has no array
     * of its values to bind, so its deletes go one statement each. Another table's change or another kind of change
     * ends a run: a key deleted, inserted again and deleted again in one transaction ends as at the source.
     */
    @Test
    void runsOfDeletesGoAsOneStatementAndEndAsAtTheSource() throws Exception {
        String slot = uniqueSlot("deleteruns");
        String one = slot + "_one";
        String multi = slot + "_multi";
        String arrays = slot + "_arr";
        createBoth(one, "id int PRIMARY KEY, name text, doc text");
        createBoth(multi, "\"Id col\" int, \"we\"\"ird\" text, at timestamptz, u uuid, n numeric, b bytea, name text,"
                + " doc text, PRIMARY KEY (\"Id col\", \"we\"\"ird\", at, u, n, b)");
        createBoth(arrays, "k int[] PRIMARY KEY, name text, doc text");
        target().execute("CREATE TABLE delete_statements (tab text)",
                "CREATE FUNCTION count_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " INSERT INTO public.delete_statements VALUES (TG_TABLE_NAME); RETURN NULL; END $$");
        for (String table : List.of(one, multi, arrays)) {
            target().execute("CREATE TRIGGER count_delete AFTER DELETE ON " + table
                    + " FOR EACH STATEMENT EXECUTE FUNCTION count_delete()");
        }
        route(slot, String.join(",", one, multi, arrays), "");
        pg().execute("INSERT INTO " + one + " SELECT g, 'n' || g FROM generate_series(1, 300) g",
                "INSERT INTO " + multi + " SELECT g, 'a\"b\\c, {x} ' || g, '2026-01-02 03:04:05.123456+02'::timestamptz"
                        + " + g * interval '1 second', md5(g::text)::uuid, g / 3.0, decode(md5(g::text), 'hex'),"
                        + " 'n' || g FROM generate_series(1, 300) g",
                "INSERT INTO " + arrays + " SELECT ARRAY[g, NULL, -g], 'n' || g FROM generate_series(1, 300) g");
        pg().execute("BEGIN; DELETE FROM " + one + " WHERE id <= 100; INSERT INTO " + one + " VALUES (1, 'again');"
                + " DELETE FROM " + one + " WHERE id BETWEEN 101 AND 150; DELETE FROM " + one + " WHERE id = 1;"
                + " INSERT INTO " + one + " VALUES (2, 'again'); COMMIT",
                "DELETE FROM " + multi + " WHERE \"Id col\" <= 100",
                "DELETE FROM " + arrays + " WHERE k[1] <= 50",
                "BEGIN; DELETE FROM " + one + " WHERE id BETWEEN 151 AND 160; DELETE FROM " + multi
                        + " WHERE \"Id col\" BETWEEN 101 AND 110; DELETE FROM " + one + " WHERE id BETWEEN 161 AND 170;"
                        + " UPDATE " + multi + " SET name = 'kept' WHERE \"Id col\" = 111; DELETE FROM " + multi
                        + " WHERE \"Id col\" BETWEEN 112 AND 120; COMMIT");
        awaitEqual(one, one);
        awaitEqual(multi, multi);
        awaitEqual(arrays, arrays);
        assertThat(target().strings("SELECT count(*) FROM " + one)).containsExactly("131");
        // per statement these would be 171, 119 and 50; each run is one statement (4 and 3; a batch may split a run)
        String statements = "SELECT count(*) FROM delete_statements WHERE tab = '%s'";
        assertThat(Integer.parseInt(target().strings(String.format(statements, one)).get(0))).isBetween(4, 10);
        assertThat(Integer.parseInt(target().strings(String.format(statements, multi)).get(0))).isBetween(3, 6);
        assertThat(target().strings(String.format(statements, arrays))).containsExactly("50");
    }

    /**
     * Runs of deletes by fixed-width keys delete exactly their keys: arrays typed {@code character[]} or
     * {@code bit[]} would cast each value to char(1) or bit(1), so deleting 'DE' and 'DK' would delete 'D' instead.
     */
    @Test
    void runsOfDeletesByFixedWidthKeysDeleteExactlyThoseKeys() throws Exception {
        String slot = uniqueSlot("deletefixed");
        String one = slot + "_one";
        String multi = slot + "_multi";
        createBoth(one, "c char(2) PRIMARY KEY, doc text");
        createBoth(multi, "c char(3), b bit(4), doc text, PRIMARY KEY (c, b)");
        route(slot, String.join(",", one, multi), "");
        pg().execute("INSERT INTO " + one + " (c) VALUES ('AT'), ('BE'), ('DE'), ('DK'), ('D'), ('FR')",
                "INSERT INTO " + multi + " (c, b) VALUES ('abc', '1010'), ('abd', '1010'), ('abe', '1010'),"
                        + " ('a', '1010'), ('abc', '0101')");
        awaitEqual(one, one);
        awaitEqual(multi, multi);
        pg().execute("DELETE FROM " + one + " WHERE c IN ('AT', 'BE', 'DE', 'DK')",
                "DELETE FROM " + multi + " WHERE c IN ('abc', 'abd', 'abe') AND b = '1010'");
        awaitEqual(one, one);
        awaitEqual(multi, multi);
        assertThat(target().strings("SELECT c FROM " + one + " ORDER BY c")).containsExactly("D ", "FR");
        assertThat(target().strings("SELECT c || ':' || b FROM " + multi + " ORDER BY c"))
                .containsExactly("a:1010", "abc:0101");
    }

    /**
     * A key whose source value is an array, written into a target key column of text (the array's text), is deleted
     * as bound alone: in an array of text its elements would be the values {@code = ANY} compares.
     */
    @Test
    void runsOfDeletesOfArrayValuesIntoTextKeysDeleteThoseRows() throws Exception {
        String slot = uniqueSlot("deletelist");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (k int[] PRIMARY KEY, name text)");
        target().execute("CREATE TABLE " + table + " (k text PRIMARY KEY, name text)");
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " SELECT ARRAY[g, -g], 'n' || g FROM generate_series(1, 3) g");
        Await.until("three rows in the target", Duration.ofSeconds(30),
                () -> target().strings("SELECT count(*) FROM " + table), List.of("3")::equals);
        pg().execute("DELETE FROM " + table + " WHERE k[1] <= 2");
        Await.until("the two deleted rows gone", Duration.ofSeconds(30),
                () -> target().strings("SELECT name FROM " + table), List.of("n3")::equals);
    }

    @Test
    void appendRecordsEveryChangeOnceEvenWhenRedeliveredIncludingRowsOfOneCopyRecord() throws Exception {
        String slot = uniqueSlot("append");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "timestamptz"));
        List<Exchange> sent = recordingRoute(slot, table, "tableModes=" + table + ":append");
        try (Connection connection = pg().connect()) {
            // COPY writes one WAL record for many rows: their changes share one LSN, positions tell them apart
            new CopyManager(connection.unwrap(BaseConnection.class)).copyIn("COPY " + table + " FROM STDIN",
                    new StringReader("1\tone\n2\ttwo\n3\tthree\n"));
        }
        writeAppendChangesAfterInserts(table);
        String history = "SELECT _pgcdc_op || ' ' || coalesce(id::text, '-') || ' ' || coalesce(name, '-') FROM "
                + table + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        Await.until("history appended", Duration.ofSeconds(30), () -> target().strings(history),
                APPEND_HISTORY::equals);
        assertThat(target().strings("SELECT count(DISTINCT _pgcdc_lsn) FROM " + table + " WHERE _pgcdc_op = 'c'"))
                .containsExactly("1");

        // the consumer's redelivery after a crash sends the same changes again: nothing is appended twice
        redeliver(sent, "tableModes=" + table + ":append");
        assertThat(target().strings(history)).isEqualTo(APPEND_HISTORY);
    }

    /**
     * Append mode: an update leaving the TOASTed doc unchanged does not carry it (REPLICA IDENTITY DEFAULT), so its
     * history row holds NULL in doc, and {@code _pgcdc_unchanged} says so; rows that carry every column have none.
     */
    @Test
    void appendRecordsWhichUnchangedToastedColumnsAHistoryRowLacks() throws Exception {
        String slot = uniqueSlot("append_unchanged");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, doc text)",
                "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute("CREATE TABLE " + table + " (id int, name text, doc text, _pgcdc_op char(1),"
                + " _pgcdc_commit_lsn bigint, _pgcdc_seq bigint, _pgcdc_lsn bigint, _pgcdc_commit_ts timestamptz,"
                + " _pgcdc_unchanged text, PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))");
        route(slot, table, "mode=append");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', repeat(md5('a'), 100))",
                "UPDATE " + table + " SET name = 'b' WHERE id = 1", "UPDATE " + table + " SET doc = 'short'",
                "DELETE FROM " + table);
        String history = "SELECT concat_ws(' ', _pgcdc_op, coalesce(name, '-'), coalesce(left(doc, 5), '-'),"
                + " coalesce(_pgcdc_unchanged, '-')) FROM " + table + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        Await.until("four changes appended", Duration.ofSeconds(30), () -> target().strings(history),
                rows -> rows.size() == 4);
        assertThat(target().strings(history)).containsExactly("c a 0cc17 -", "u b - [\"doc\"]", "u b short -",
                "d - - -");
    }

    /**
     * ON CONFLICT (key) meets only the key's row: a conflict on another unique index of the target fails the change,
     * naming the constraint, and writes nothing over the row that holds the value.
     */
    @Test
    void aConflictOnAnotherUniqueIndexFailsTheChangeNamingTheConstraint() throws Exception {
        String slot = uniqueSlot("other_unique");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text, name text)");
        target().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text CONSTRAINT " + table
                + "_email UNIQUE, name text)");
        FailedChanges failed = failingRoute(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'x', 'one')",
                "INSERT INTO " + table + " VALUES (2, 'x', 'two')");
        assertThat(failed.awaitError()).contains(table + "_email", "23505");
        assertThat(target().strings("SELECT concat_ws(' ', id, email, name) FROM " + table))
                .containsExactly("1 x one");
    }

    /**
     * Two source tables mapped to one target table share its rows, as the component doc says: a key is one row
     * whichever writes it, an upsert keeps the columns it does not carry, a delete from either removes the row, and a
     * truncate of either empties the whole target table.
     */
    @Test
    void sourceTablesMappedToOneTargetShareItsRows() throws Exception {
        String slot = uniqueSlot("merged");
        String a = slot + "_a";
        String b = slot + "_b";
        String target = slot + "_t";
        pg().execute("CREATE TABLE " + a + " (id int PRIMARY KEY, name text)",
                "CREATE TABLE " + b + " (id int PRIMARY KEY, name text, note text)");
        target().execute("CREATE TABLE " + target + " (id int PRIMARY KEY, name text, note text)");
        route(slot, a + "," + b, "tableMapping=" + a + ":" + target + "," + b + ":" + target);
        String rows = "SELECT concat_ws(' ', id, name, coalesce(note, '-')) FROM " + target + " ORDER BY id";
        pg().execute("INSERT INTO " + a + " VALUES (1, 'a1')", "INSERT INTO " + b + " VALUES (1, 'b1', 'n')",
                "UPDATE " + a + " SET name = 'a2'", "INSERT INTO " + b + " VALUES (2, 'b2', 'm')");
        Await.until("key 1 written by both", Duration.ofSeconds(30), () -> target().strings(rows),
                List.of("1 a2 n", "2 b2 m")::equals);
        pg().execute("DELETE FROM " + b + " WHERE id = 1", "INSERT INTO " + a + " VALUES (3, 'a3')");
        Await.until("key 1 deleted through b", Duration.ofSeconds(30), () -> target().strings(rows),
                List.of("2 b2 m", "3 a3 -")::equals);
        pg().execute("TRUNCATE " + a, "INSERT INTO " + b + " VALUES (4, 'b4', 'o')");
        Await.until("a's truncate emptied the target, b's rows too", Duration.ofSeconds(30),
                () -> target().strings(rows), List.of("4 b4 o")::equals);
    }

    @Test
    void anUpsertBatchWhoseTargetConnectionWasLostIsAppliedOnANewOne() throws Exception {
        String table = applyAcrossALostConnection(uniqueSlot("upsertlost"), "upsert",
                t -> "CREATE TABLE " + t + " (id int PRIMARY KEY, name text)", "SELECT pid FROM pg_stat_activity"
                        + " WHERE datname = '" + TARGET + "' AND backend_type = 'client backend'"
                        + " AND pid <> pg_backend_pid()", pid -> "SELECT pg_terminate_backend(" + pid + ")");
        awaitEqual(table, table);
    }

    /** 1.0 and 1.00 are one key to an unconstrained numeric column: the row moves with its unchanged doc. */
    @Test
    void aKeyChangeBetweenKeysTheTargetHoldsEqualKeepsTheRow() throws Exception {
        moveToAnEqualKey(uniqueSlot("equalkeys"), "numeric", "1.0", "1.00", "2",
                t -> "CREATE TABLE " + t + " (id numeric PRIMARY KEY, name text, doc text)");
    }

    /**
     * Under REPLICA IDENTITY FULL a key change is complete in itself (the consumer fills the unchanged doc from the old
     * row), so replaying key swaps and a delete followed by a move onto the deleted key ends as at the source (under
     * DEFAULT it does not: the sink component's docs).
     */
    @Test
    void replayedKeyChangesOfUnchangedToastConvergeUnderReplicaIdentityFull() throws Exception {
        String slot = uniqueSlot("fullreplay");
        String table = slot + "_t";
        createBoth(table, "id int PRIMARY KEY, name text, doc text");
        pg().execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        List<Exchange> sent = recordingRoute(slot, table, "");
        pg().execute("INSERT INTO " + table + " SELECT g, 'n' || g, repeat(md5(g::text), 100) FROM"
                        + " generate_series(1, 3) g",
                "BEGIN; UPDATE " + table + " SET id = 4 WHERE id = 1; UPDATE " + table + " SET id = 1 WHERE id = 2;"
                        + " UPDATE " + table + " SET id = 2 WHERE id = 4; COMMIT",
                "DELETE FROM " + table + " WHERE id = 3", "UPDATE " + table + " SET id = 3 WHERE id = 1");
        awaitEqual(table, table);
        // all but the inserts, which would set every row right before the key changes are replayed
        redeliver(sent.subList(3, sent.size()), "");
        awaitEqual(table, table);
    }

    @Test
    void softDeleteRefusesAUniqueIndexBesidesTheKeyButTakesAPartialOneOnLiveRows() throws Exception {
        softDeleteRefusesAnotherUniqueIndex(uniqueSlot("soft_unique"), t -> "CREATE TABLE " + t
                + " (id int PRIMARY KEY, email text, _pgcdc_deleted boolean NOT NULL DEFAULT false,"
                + " CONSTRAINT by_email UNIQUE (email))",
                t -> "CREATE TABLE " + t + " (id int PRIMARY KEY, email text, _pgcdc_deleted boolean NOT NULL DEFAULT"
                        + " false); CREATE UNIQUE INDEX ON " + t + " (email) WHERE NOT _pgcdc_deleted");
    }

    @Test
    void softDeleteAKeyChangeOntoATombstoneMovesTheUnchangedDoc() throws Exception {
        moveOntoATombstone(uniqueSlot("tombstone"), t -> "CREATE TABLE " + t + " (id int PRIMARY KEY, name text,"
                + " doc text, _pgcdc_deleted boolean NOT NULL DEFAULT false)");
    }

    /**
     * A writer blocked on a row another session locked in the target does not outlive its route: stopping aborts its
     * connection once the writer did not end in time, and the writer thread and its backend go.
     */
    @Test
    void stoppingEndsAWriterBlockedOnALockInTheTarget() throws Exception {
        String slot = uniqueSlot("blocked");
        String table = slot + "_t";
        createBoth(table, "id int PRIMARY KEY, name text, doc text");
        route(slot, table, "");
        CamelContext context = contexts.get(contexts.size() - 1);
        context.getShutdownStrategy().setTimeout(1);
        context.getExecutorServiceManager().setShutdownAwaitTermination(1000);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 'x')");
        awaitEqual(table, table);
        String sinkBackends = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + TARGET + "' AND"
                + " backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> 'locker'";
        try (Connection locker = pg().connectTo(TARGET); Statement statement = locker.createStatement()) {
            statement.execute("SET application_name = 'locker'");
            locker.setAutoCommit(false);
            statement.execute("SELECT * FROM " + table + " WHERE id = 1 FOR UPDATE");
            pg().execute("UPDATE " + table + " SET name = 'b' WHERE id = 1");
            Await.until("the sink waiting for the row lock", Duration.ofSeconds(30), () -> target().strings(
                    sinkBackends + " AND wait_event_type = 'Lock'"), List.of("1")::equals);

            context.stop();
            Await.until("the writer thread gone", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet()
                    .stream().noneMatch(t -> t.getName().endsWith("pgcdc-sink-replica")));
            Await.until("the writer's backend gone", Duration.ofSeconds(10), () -> target().strings(sinkBackends),
                    List.of("0")::equals);
            assertThat(target().strings("SELECT name FROM " + table)).containsExactly("a");
        }
    }

    @Test
    void softDeleteWithTableMappingAndExcludedColumns() throws Exception {
        String slot = uniqueSlot("soft");
        target().execute("CREATE SCHEMA archive", "CREATE TABLE archive.\"Copy\" (id int PRIMARY KEY, name text,"
                + " _pgcdc_deleted boolean NOT NULL DEFAULT false)");
        replicateSoftDeletes(slot, "archive.\"Copy\"");
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
        FailedChanges failed = failingRoute(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 'x')");
        assertThat(failed.awaitError()).contains("Could not apply change c of public." + table,
                "has no column(s) [extra]");
        assertThat(target().strings("SELECT count(*) FROM " + table)).containsExactly("0");
        failed.assertNotAcknowledged();

        target().execute("ALTER TABLE " + table + " ADD COLUMN extra text");
        awaitEqual(table, table);
    }

    /** A backlog decoded after its REPLICA IDENTITY FULL table was dropped: the key is unknown, and the error says so. */
    @Test
    void aChangeWhoseKeyCannotBeKnownFailsSayingWhy() throws Exception {
        String slot = uniqueSlot("unknownkey");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        target().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, v text)");
        String tables = "public." + slot + "_*"; // a pattern: the restart must not look for the dropped table
        FailedChanges first = failingRoute(slot, tables, "");
        first.context.stop();
        contexts.remove(first.context);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a')", "DROP TABLE " + table);

        FailedChanges failed = failingRoute(slot, tables, "");
        assertThat(failed.awaitError()).contains("Could not apply change c of public." + table,
                "does not know its key", "dropped", "append mode");
        failed.assertNotAcknowledged();
    }

    @Test
    void applyTruncateFalseKeepsTheTargetRowsAcrossASourceTruncate() throws Exception {
        String slot = uniqueSlot("keeptrunc");
        String table = slot + "_t";
        createBoth(table, "id int PRIMARY KEY, name text, doc text");
        route(slot, table, "applyTruncate=false");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 'x'), (2, 'b', 'y')", "TRUNCATE " + table,
                "INSERT INTO " + table + " VALUES (3, 'c', 'z')");
        // row 3 follows the truncate: once it is applied, the truncate was handled (and ignored)
        Await.until("rows 1, 2 and 3 in the target", Duration.ofSeconds(30),
                () -> target().strings("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM " + table),
                List.of("1,2,3")::equals);
    }

    @Test
    void hstoreValuesAndArraysOfThemArriveAsTheyLeft() throws Exception {
        String slot = uniqueSlot("hstore");
        String table = slot + "_t";
        pg().execute("CREATE EXTENSION IF NOT EXISTS hstore");
        target().execute("CREATE EXTENSION IF NOT EXISTS hstore");
        createBoth(table, "id int PRIMARY KEY, h hstore, hs hstore[], doc text");
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES (1, '\"a\"=>\"1\", \"q\\\"k\"=>\"b\\\\s\", \"n\"=>NULL',"
                + " ARRAY['\"x\"=>\"y, z\"'::hstore, NULL, ''], 'd'), (2, '', NULL, NULL)");
        awaitEqual(table, table);
    }

    @Test
    void eachBadTargetIsAClearErrorOnItsExchange() throws Exception {
        String slot = uniqueSlot("bad");
        String[] tables = {slot + "_nowhere", slot + "_checked", slot + "_nokey", slot + "_log", slot + "_deferred",
            slot + "_partial", slot + "_invalid"};
        for (String table : tables) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int)");
        }
        // a look-alike of the missing table: '_' is a wildcard in JDBC metadata patterns, and must not match it
        target().execute("CREATE TABLE " + tables[0].replace('_', 'x') + " (id int PRIMARY KEY, n int)",
                "CREATE TABLE " + tables[1] + " (id int PRIMARY KEY, n int CHECK (n > 0))",
                "CREATE TABLE " + tables[2] + " (id int, n int)",
                "CREATE TABLE " + tables[3] + " (id int, n int)",
                // unique, but no arbiter ON CONFLICT (id) can use: deferrable, partial, invalid
                "CREATE TABLE " + tables[4] + " (id int UNIQUE DEFERRABLE, n int)",
                "CREATE TABLE " + tables[5] + " (id int, n int)",
                "CREATE UNIQUE INDEX ON " + tables[5] + " (id) WHERE n > 0",
                "CREATE TABLE " + tables[6] + " (id int, n int)", "INSERT INTO " + tables[6] + " VALUES (2, 0), (2, 0)");
        // what a failed CREATE INDEX CONCURRENTLY leaves behind: an invalid index
        assertThatThrownBy(() -> target().execute("CREATE UNIQUE INDEX CONCURRENTLY ON " + tables[6] + " (id)"))
                .hasMessageContaining("could not create unique index");
        target().execute("DELETE FROM " + tables[6]);
        List<String> errors = handlingRoute(slot, List.of(tables), "tableModes=" + tables[3] + ":append");
        for (String table : tables) {
            pg().execute("INSERT INTO " + table + " VALUES (1, -1)");
        }
        Await.until("seven failures", Duration.ofSeconds(30), () -> errors.size() >= 7);
        assertThat(errors.get(0)).contains(tables[0], "does not exist", "set createTables=true");
        assertThat(errors.get(1)).contains(tables[1], "violates check constraint");
        assertThat(errors.get(2)).contains(tables[2], "needs a primary key or unique index on exactly [id]");
        assertThat(errors.get(3)).contains(tables[3], "has no column(s) [_pgcdc_op, _pgcdc_commit_lsn");
        for (int i = 4; i < 7; i++) {
            assertThat(errors.get(i)).contains(tables[i], "needs a primary key or unique index on exactly [id]");
        }
    }
}
