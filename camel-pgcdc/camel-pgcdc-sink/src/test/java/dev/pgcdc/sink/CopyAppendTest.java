package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.security.LogCapture;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Append mode into PostgreSQL, which loads each batch by COPY into a temporary staging table and one
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}, or a batch of appends only by one COPY straight into the
 * target ({@link CopyAppends}): values of every kind, odd names, NULLs, a replayed batch, which statement loads which
 * batch (a redelivered window, two tables in one batch), a batch mixing appends with other statements, a row the
 * target refuses, targets that refuse COPY (row-level security, a trigger), and target columns whose type changes
 * under a running sink.
 */
class CopyAppendTest extends SinkTestSupport {

    /** Each test streams a slot of its own, which stays: more tests than the cluster's default 20 slots. */
    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().setting("max_replication_slots", "40").build();
    static final String TARGET = "copy_target";
    static final String APPEND_COLUMNS = "_pgcdc_op char(1), _pgcdc_commit_lsn bigint, _pgcdc_seq bigint,"
            + " _pgcdc_lsn bigint, _pgcdc_commit_ts timestamptz, PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq)";
    /** A history row's source columns as to_jsonb gives them, to compare with the source row's. */
    static final String SOURCE_PART = "to_jsonb(hist) - '{_pgcdc_op, _pgcdc_commit_lsn, _pgcdc_seq, _pgcdc_lsn,"
            + " _pgcdc_commit_ts}'::text[]";
    static final String[] TYPES = {"CREATE EXTENSION IF NOT EXISTS hstore",
        "CREATE TYPE mood AS ENUM ('sad', 'happy')", "CREATE TYPE pair AS (n int, label text)"};

    /** Column definitions of the type test: every kind of value the sink writes, names with quotes and blanks. */
    static final String TYPED_COLUMNS = "id int PRIMARY KEY, i2 smallint, i8 bigint, num numeric, num_s numeric(12,2),"
            + " f4 real, f8 double precision, b boolean, t text, \"Odd \"\"col\"\" \tname\" varchar(30), c char(3),"
            + " by bytea, u uuid, j json, jb jsonb, d date, tm time, ttz timetz, ts timestamp, tstz timestamptz,"
            + " iv interval, ip inet, m mood, p pair, h hstore, ia int[], ta text[], na numeric[], tsa timestamptz[],"
            + " pa pair[], ba bytea[]";

    static final String[] TYPED_ROWS = {
        "(1, 42, 1234567890123, 12345.678900, 1.5, 1.1, 3.141592653589793, true, 'hello',"
                + " 'a \"q\" b', 'ab', '\\x0102ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"b\": 1.50, \"a\": [1]}',"
                + " '{\"big\": 123456789012345678901234567890}', '2026-11-22', '10:00:00.123456', '10:00:00.5+02',"
                + " '2026-11-22 10:00:00.123456', '2026-11-22 10:00:00.123456+00', '1 year 2 mons 3 days 04:05:06.789',"
                + " '2001:db8::1/64', 'happy', ROW(1, 'a \"b\", c\\d (e)'), '\"a\"=>\"1\", \"q\\\"k\"=>\"b\\\\s\", \"n\"=>NULL',"
                + " '{1,NULL,3}', ARRAY['x', NULL, 'tab\there', 'q\"', 'back\\slash', ''], '{1.5,NaN}',"
                + " ARRAY['2026-01-01 00:00:00+00'::timestamptz, 'infinity'], ARRAY[ROW(2, NULL)::pair, NULL],"
                + " ARRAY['\\x00ff'::bytea, NULL])",
        // the escapes COPY's text format needs (backslash, tab, line feed, carriage return), and special values
        "(2, -32768, -9223372036854775808, 'NaN', -99.99, 'NaN', '-Infinity', false,"
                + " E'tab\\there\\nnew\\rline \\\\N \\\\. \"q\" ünïcødé 🐘', E'\\\\', '   ', '\\x', '00000000-0000-0000-0000-000000000000',"
                + " '[]', 'null', 'infinity', '24:00:00', '23:59:59.999999-05:30', '-infinity', '-infinity',"
                + " '-1 days +02:03:04', '10.0.0.1', 'sad', ROW(NULL, ''), '', '{}', '{}', '{}', '{}', '{}', '{}')",
        "(3, 32767, 0, 'Infinity', 0, '-0', 1e300, NULL, '', '', NULL, NULL, NULL, NULL, NULL, '0044-03-15 BC', NULL,"
                + " NULL, '0044-03-15 12:00:00 BC', '1999-12-31 23:59:59.1+05:30', NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL)",
        "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"};

    /** Every type COPY's binary format is used for, odd names, and their edge values ({@link CopyBinaryWriter}). */
    static final String BINARY_COLUMNS = "id int PRIMARY KEY, i2 smallint, i8 bigint, f4 real, f8 double precision,"
            + " b boolean, t text, \"Odd \"\"col\"\" \tname\" varchar(30), c char(3), by bytea, u uuid, d date,"
            + " ts timestamp, tstz timestamptz";

    static final String[] BINARY_ROWS = {
        "(1, 32767, 9223372036854775807, 'NaN', '-Infinity', true, E'tab\\there\\nnew \\\\N ünïcødé 🐘', 'a \"q\" b',"
                + " 'ab', '\\x00ff0a', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0044-03-15 BC',"
                + " '2026-11-22 10:00:00.123456', '1999-12-31 23:59:59.1+05:30')",
        "(2, -32768, -9223372036854775808, '-0', 1e300, false, '', '', '', '\\x', '00000000-0000-0000-0000-000000000000',"
                + " 'infinity', '-infinity', 'infinity')",
        "(3, 0, 0, 1.5, 3.141592653589793, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity', 'infinity', '-infinity')",
        "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '0044-03-15 12:00:00.000001 BC',"
                + " '1970-01-01 00:00:00+00')"};

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void createTarget() {
        PG.server().createDatabase(TARGET);
        PG.server().execute(TYPES);
        new SqlDatabase(() -> PG.server().connectTo(TARGET)).execute(TYPES);
    }

    @Override
    protected SqlDatabase target() {
        return new SqlDatabase(() -> pg().connectTo(TARGET));
    }

    @Override
    protected String sinkUri(String options) {
        return "pgcdc-sink:history?jdbcUrl=" + pg().jdbcUrl(TARGET) + "&user=" + pg().superuser()
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** The source rows as to_jsonb, in id order. */
    private List<String> sourceRows(String table) {
        return source().strings("SELECT to_jsonb(s)::text FROM " + table + " s ORDER BY id");
    }

    /** The source columns of the history's inserts as to_jsonb, in id order. */
    private List<String> historyInserts(String history) {
        return target().stringsOnceCreated("SELECT (" + SOURCE_PART + ")::text FROM " + history
                + " hist WHERE _pgcdc_op = 'c' ORDER BY hist.id");
    }

    @Test
    void valuesOfEveryKindArriveEqualToTheSourcesToJsonbIntoATableWithAnOddName() throws Exception {
        String slot = uniqueSlot("copytypes");
        String table = slot + "_t";
        // quotes, a dot and a non-ASCII letter in the target's name; tableMapping names it as SQL would
        String history = "\"Hist \"\"q\"\".é\"";
        pg().execute("CREATE TABLE " + table + " (" + TYPED_COLUMNS + ")");
        target().execute("CREATE TABLE " + history + " (" + TYPED_COLUMNS.replace(" PRIMARY KEY", "") + ", "
                + APPEND_COLUMNS + ")");
        route(slot, table, "mode=append&tableMapping=" + table + ":public." + history.replace(" ", "%20"));
        pg().execute("INSERT INTO " + table + " VALUES " + String.join(", ", TYPED_ROWS));
        List<String> expected = sourceRows(table);
        assertThat(expected).hasSize(4);
        Await.until("every row appended", Duration.ofSeconds(30), () -> historyInserts(history), expected::equals);
    }

    @Test
    void aReplayedBatchPartlyAppliedBeforeACrashIsAppendedOnce() throws Exception {
        String slot = uniqueSlot("copyreplay");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "timestamptz"));
        List<Exchange> sent = recordingRoute(slot, table, "tableModes=" + table + ":append");
        pg().execute("INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series(1, 3) g");
        writeAppendChangesAfterInserts(table);
        String history = "SELECT _pgcdc_op || ' ' || coalesce(id::text, '-') || ' ' || coalesce(name, '-') FROM "
                + table + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        List<String> expected = List.of("c 1 n1", "c 2 n2", "c 3 n3", "u 1 uno", "d 2 -", "t - -");
        Await.until("history appended", Duration.ofSeconds(30), () -> target().strings(history), expected::equals);

        // a crash after the first changes were committed: the consumer sends them all again, one batch after another
        target().execute("DELETE FROM " + table + " WHERE _pgcdc_op <> 'c'");
        ProducerTemplate template = contexts.get(0).createProducerTemplate();
        List<CompletableFuture<Exchange>> replayed = new ArrayList<>();
        for (Exchange exchange : sent) {
            replayed.add(template.asyncSend(sinkUri("tableModes=" + table + ":append"), exchange.copy()));
        }
        for (CompletableFuture<Exchange> each : replayed) {
            assertThat(each.get().getException()).isNull();
        }
        assertThat(target().strings(history)).isEqualTo(expected);
    }

    /** The {@code count} changes the source's {@code statements} make to {@code table}, as the consumer delivers them. */
    private List<Exchange> changesOf(String slot, String table, int count, String... statements) throws Exception {
        List<Exchange> received = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> received.add(e.copy()));
            }
        });
        awaitStreaming(slot);
        pg().execute(statements);
        Await.until("the changes", Duration.ofSeconds(30), received::size, size -> size == count);
        return List.copyOf(received);
    }

    /**
     * What sends changes to the sink each as a batch of its own, all through one producer (one target connection):
     * the first batch makes the staging table in its transaction, so it goes through it; the next go straight in.
     */
    private Consumer<List<Exchange>> oneABatch(String options) {
        ProducerTemplate template = contexts.get(0).createProducerTemplate();
        return changes -> {
            for (Exchange change : changes) {
                assertThat(template.send(sinkUri(options), change.copy()).getException()).isNull();
            }
        };
    }

    /**
     * Statement triggers on {@code table} that record which statement wrote each batch into it, COPY with its format
     * (in {@code <table>_by}, see {@link #writtenBy}) and count the COPYs into it that began, failed ones included (in
     * the sequence {@code <table>_copies}, see {@link #copiesBegun}); {@code onCopy} runs after the count.
     */
    private static String[] recordingStatements(String table, String onCopy) {
        return new String[] {"CREATE TABLE " + table + "_by (n serial, query text)",
            "CREATE FUNCTION " + table + "_by() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO " + table
                    + "_by (query) VALUES (split_part(current_query(), ' ', 1) || CASE WHEN current_query() LIKE"
                    + " '%(FORMAT binary)%' THEN ' binary' ELSE '' END); RETURN NULL; END $$",
            "CREATE TRIGGER by_statement AFTER INSERT ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION " + table
                    + "_by()",
            // a sequence counts past a rollback
            "CREATE SEQUENCE " + table + "_copies",
            "CREATE FUNCTION " + table + "_copies() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF split_part("
                    + "current_query(), ' ', 1) = 'COPY' THEN PERFORM nextval('" + table + "_copies'); " + onCopy
                    + " END IF; RETURN NULL; END $$",
            "CREATE TRIGGER copies BEFORE INSERT ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION " + table
                    + "_copies()"};
    }

    private List<String> writtenBy(String table) {
        return target().strings("SELECT query FROM " + table + "_by ORDER BY n");
    }

    private long copiesBegun(String table) {
        return Long.parseLong(target().strings("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + table
                + "_copies").get(0));
    }

    @Test
    void aBatchOfAppendsOnlyIsCopiedStraightIntoTheTargetAndARedeliveredWindowThroughTheStagingTable()
            throws Exception {
        String slot = uniqueSlot("copydirect");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "timestamptz"));
        target().execute(recordingStatements(table, ""));
        String options = "tableModes=" + table + ":append";
        List<Exchange> changes = changesOf(slot, table, 5, "INSERT INTO " + table
                + " SELECT g, 'n' || g FROM generate_series(1, 5) g");
        Consumer<List<Exchange>> send = oneABatch(options);
        send.accept(changes.subList(0, 3));
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "COPY binary"));
        assertThat(copiesBegun(table)).isEqualTo(2);

        // redelivered after a crash: the first batch's COPY fails on the unique key and leaves nothing, the staging
        // table ignores its rows, and the rest of the redelivered window goes staged without a COPY
        send.accept(changes.subList(1, 3));
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "COPY binary", "INSERT", "INSERT"));
        assertThat(copiesBegun(table)).isEqualTo(3);
        // the first batch past the window inserts every row it stages; the next goes straight in again
        send.accept(changes.subList(3, 5));
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "COPY binary", "INSERT", "INSERT",
                "INSERT", "COPY binary"));
        assertThat(copiesBegun(table)).isEqualTo(4);
        assertThat(target().strings("SELECT string_agg(id::text, ',' ORDER BY _pgcdc_commit_lsn, _pgcdc_seq) FROM "
                + table)).isEqualTo(List.of("1,2,3,4,5"));
    }

    @Test
    void valuesOfEveryTypeWithABinaryFormArriveEqualToTheSourcesToJsonbByBinaryCopy() throws Exception {
        String slot = uniqueSlot("copybinary");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (" + BINARY_COLUMNS + ")");
        target().execute("CREATE TABLE " + table + " (" + BINARY_COLUMNS.replace(" PRIMARY KEY", "") + ", "
                + APPEND_COLUMNS + ")");
        target().execute(recordingStatements(table, ""));
        List<Exchange> changes = changesOf(slot, table, BINARY_ROWS.length, "INSERT INTO " + table + " VALUES "
                + String.join(", ", BINARY_ROWS));
        // the first row through the staging table, the others straight into the target
        oneABatch("tableModes=" + table + ":append").accept(changes);
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "COPY binary", "COPY binary"));
        assertThat(historyInserts(table)).isEqualTo(sourceRows(table));
    }

    @Test
    void aTargetColumnWhoseTypeChangedSinceTheConnectionReadItIsNotFedBinaryFieldsOfTheOldType() throws Exception {
        String slot = uniqueSlot("copyaltered");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n bigint)");
        target().execute("CREATE TABLE " + table + " (id int, n bigint, " + APPEND_COLUMNS + ")");
        target().execute(recordingStatements(table, ""));
        List<Exchange> changes = changesOf(slot, table, 4, "INSERT INTO " + table
                + " VALUES (1, 1), (2, 2), (3, 3), (4, 5)");
        String options = "tableModes=" + table + ":append";
        Consumer<List<Exchange>> send = oneABatch(options);
        send.accept(changes.subList(0, 3));
        // eight bytes of a bigint would read as a double without an error
        target().execute("ALTER TABLE " + table + " ALTER n TYPE double precision");
        send.accept(changes.subList(3, 4));
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "COPY binary", "INSERT"));
        assertThat(target().strings("SELECT string_agg(n::text, ',' ORDER BY id) FROM " + table))
                .isEqualTo(List.of("1,2,3,5"));
    }

    /**
     * A stage made again after a type change read the table's types anew, and a stage of another column list made
     * after it (an update leaving the TOASTed doc unchanged carries no doc) is made with them too: made with the old
     * double precision, its staging table would take 0.1 + 0.2 in binary, which its insert would convert to numeric by
     * 15 significant digits, as 0.3.
     */
    @Test
    void aStageOfAnotherColumnListMadeAfterATypeChangeHasTheNewType() throws Exception {
        String slot = uniqueSlot("copyretyped");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n double precision, doc text)",
                "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute("CREATE TABLE " + table + " (id int, n double precision, doc text, " + APPEND_COLUMNS + ")");
        target().execute(recordingStatements(table, ""));
        String row = "(%1$d, %1$d.5, repeat(md5('%1$d'), 200))";
        List<Exchange> changes = changesOf(slot, table, 4, "INSERT INTO " + table + " VALUES " + String.format(row, 1),
                "INSERT INTO " + table + " VALUES " + String.format(row, 2),
                "INSERT INTO " + table + " VALUES (3, 0.1::float8 + 0.2::float8, 'short')",
                "UPDATE " + table + " SET n = 0.1::float8 + 0.2::float8 WHERE id = 1");
        Consumer<List<Exchange>> send = oneABatch("tableModes=" + table + ":append");
        send.accept(changes.subList(0, 2));
        target().execute("ALTER TABLE " + table + " ALTER n TYPE numeric");
        send.accept(changes.subList(2, 4));
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY binary", "INSERT", "INSERT"));
        assertThat(target().strings("SELECT concat_ws(' ', id, n, length(doc)) FROM " + table
                + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq")).isEqualTo(List.of("1 1.5 6400", "2 2.5 6400",
                "3 0.30000000000000004 5", "1 0.30000000000000004"));
    }

    @Test
    void aTargetTextColumnChangedToIntegerUnderARunningSinkGetsItsValuesReadAsLiterals() throws Exception {
        // '12345' as five binary bytes is no integer (22P03): the stage is made again with the integer column, and
        // the batch goes in the text format, as before the change
        appendAcrossATargetTypeChange(uniqueSlot("copytexttoint"), "text", "integer USING n::int", "",
                List.of(List.of("'1'", "'2'", "'3'"), List.of("'12345'", "'6'", "'7'"), List.of("'8'", "'9'", "'10'")),
                1, List.of("INSERT", "INSERT", "COPY"));
    }

    @Test
    void aTargetIntColumnWidenedToBigintUnderARunningSinkGetsItsValuesOnTheSameConnection() throws Exception {
        // four binary bytes read as a bigint fail as a protocol violation (08P01) on a live connection: the stage is
        // made again with the bigint column, the connection is kept
        appendAcrossATargetTypeChange(uniqueSlot("copyinttobig"), "int", "bigint", "",
                List.of(List.of("1", "2", "3"), List.of("2147483647", "-5", "6"), List.of("7", "8", "9")),
                1, List.of("INSERT", "INSERT", "COPY binary"));
    }

    @Test
    void aStagedTargetWhoseColumnChangedToIntegerUnderARunningSinkGetsItsValuesByANewStagingTable()
            throws Exception {
        // the second batch's COPY is refused, so the third goes staged, by the staging table of the text column,
        // whose insert the integer column refuses (42804): the failed batch forgets the stage, and each change of it
        // is staged again by a staging table of the integer column
        appendAcrossATargetTypeChange(uniqueSlot("copystagedint"), "text", "integer USING n::int",
                "RAISE EXCEPTION 'no COPY into this table';", List.of(List.of("'1'", "'2'", "'3'"),
                        List.of("'4'", "'5'", "'6'"), List.of("'12345'", "'8'", "'9'"),
                        List.of("'10'", "'11'", "'12'")), 2,
                List.of("INSERT", "INSERT", "INSERT", "INSERT", "INSERT", "INSERT"));
    }

    /**
     * Appends batches of rows {@code (id, n)}, each a source transaction, into a table whose column {@code n} has
     * {@code type} at both ends, through a running sink; before batch {@code alteredBefore} (from 0) the target's
     * column is changed by {@code ALTER TABLE ... ALTER n TYPE <alter>}, and {@code onCopy} runs at each COPY into
     * the target ({@link #recordingStatements}). Every value arrives (as text, compared with the source's), no
     * exchange fails, the sink keeps its target connection, and the batches are written by the statements
     * {@code writtenBy} lists (a refused COPY leaves none).
     */
    private void appendAcrossATargetTypeChange(String slot, String type, String alter, String onCopy,
                                               List<List<String>> batches, int alteredBefore,
                                               List<String> writtenBy) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n " + type + ")");
        target().execute("CREATE TABLE " + table + " (id int, n " + type + ", " + APPEND_COLUMNS + ")");
        target().execute(recordingStatements(table, onCopy));
        FailedChanges failed = failingRoute(slot, table, "tableModes=" + table + ":append");
        String sessions = "SELECT pid FROM pg_stat_activity WHERE datname = '" + TARGET + "' AND backend_type ="
                + " 'client backend' AND pid <> pg_backend_pid()";
        List<String> session = null;
        int id = 0;
        for (int batch = 0; batch < batches.size(); batch++) {
            if (batch == alteredBefore) {
                session = target().strings(sessions);
                target().execute("ALTER TABLE " + table + " ALTER n TYPE " + alter);
            }
            List<String> rows = new ArrayList<>();
            for (String value : batches.get(batch)) {
                rows.add("(" + ++id + ", " + value + ")");
            }
            pg().execute("INSERT INTO " + table + " VALUES " + String.join(", ", rows));
            String expected = String.valueOf(id);
            Await.until("batch " + (batch + 1), Duration.ofSeconds(30), () -> !failed.errors.isEmpty()
                    || target().strings("SELECT count(*) FROM " + table).equals(List.of(expected)));
            assertThat(failed.errors).isEmpty();
        }
        assertThat(target().strings("SELECT string_agg(n::text, ',' ORDER BY id) FROM " + table))
                .isEqualTo(source().strings("SELECT string_agg(n::text, ',' ORDER BY id) FROM " + table));
        assertThat(writtenBy(table)).isEqualTo(writtenBy);
        assertThat(target().strings(sessions)).hasSize(1).isEqualTo(session);
    }

    @Test
    void aFiniteDateOnTheDayNumberOfInfinityIsRefusedByTheTargetAndNotStoredAsInfinity() throws Exception {
        ThreeAppends appends = threeAppendsFirstApplied("copydatebound", "d date", "'2026-01-01'", "'2026-01-02'",
                "'2026-01-03'");
        List<Exchange> changes = appends.changes();
        ProducerTemplate template = appends.template();
        String sink = appends.sink();
        String table = appends.table();
        // a binary date is days after 2000-01-01, and an int's bounds there are ±infinity: the finite dates on them,
        // beyond PostgreSQL's range (which no source sends), are the target's to refuse
        for (int bound : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            Exchange change = changes.get(bound == Integer.MAX_VALUE ? 1 : 2);
            assertThat(template.send(sink, withValue(change, "d", LocalDate.ofEpochDay(10_957L + bound)))
                    .getException()).isNotNull().hasMessageContaining("date");
        }
        assertThat(target().strings("SELECT string_agg(id || ':' || d, ',') FROM " + table))
                .isEqualTo(List.of("1:2026-01-01"));
    }

    @Test
    void anErrorWhileApplyingAChangeFailsItsExchangeAndTheWriterGoesOn() throws Exception {
        ThreeAppends appends = threeAppendsFirstApplied("copyerror", "note text", "'a'", "'b'", "'c'");
        List<Exchange> changes = appends.changes();
        ProducerTemplate template = appends.template();
        String sink = appends.sink();
        String table = appends.table();
        // a value that throws an Error as it is written, as a route-built value or a bug deep in a driver might
        Object throwing = new Object() {
            @Override
            public String toString() {
                throw new AssertionError("written as text");
            }
        };
        CompletableFuture<Exchange> failed = template.asyncSend(sink, withValue(changes.get(1), "note", throwing));
        assertThat(failed.get(30, TimeUnit.SECONDS).getException()).isNotNull()
                .hasRootCauseInstanceOf(AssertionError.class);
        assertThat(template.asyncSend(sink, changes.get(2).copy()).get(30, TimeUnit.SECONDS).getException()).isNull();
        assertThat(target().strings("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM " + table))
                .isEqualTo(List.of("1:a,3:c"));
    }

    /** Three appends to a table of an id and one column, through the sink at {@code sink}; the first applied. */
    private record ThreeAppends(String table, List<Exchange> changes, ProducerTemplate template, String sink) {
    }

    /**
     * A source table {@code (id int PRIMARY KEY, <column>)} and its append target, three inserted rows with these
     * values as changes, and the first applied: it makes the staging table, so each later change sent alone goes
     * straight into the target.
     */
    private ThreeAppends threeAppendsFirstApplied(String name, String column, String... values) throws Exception {
        String slot = uniqueSlot(name);
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, " + column + ")");
        target().execute("CREATE TABLE " + table + " (id int, " + column + ", " + APPEND_COLUMNS + ")");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add("(" + (i + 1) + ", " + values[i] + ")");
        }
        List<Exchange> changes = changesOf(slot, table, values.length, "INSERT INTO " + table + " VALUES "
                + String.join(", ", rows));
        ProducerTemplate template = contexts.get(0).createProducerTemplate();
        String sink = sinkUri("tableModes=" + table + ":append");
        assertThat(template.send(sink, changes.get(0).copy()).getException()).isNull();
        return new ThreeAppends(table, changes, template, sink);
    }

    /** A copy of the exchange whose change has {@code value} in its new row's {@code column}. */
    private static Exchange withValue(Exchange exchange, String column, Object value) {
        ChangeEvent change = exchange.getIn().getBody(ChangeEvent.class);
        Map<String, Object> after = new LinkedHashMap<>(change.getAfter());
        after.put(column, value);
        ChangeEvent changed = new ChangeEvent(change.getOp(), change.getSchema(), change.getTable(), change.getKey(),
                change.getBefore(), Collections.unmodifiableMap(after), change.getUnchanged(), change.getLsn(),
                change.getCommitLsn(), change.getTxId(), change.getCommitTimestamp(), change.isSnapshot())
                .withPosition(change.getPosition());
        Exchange copy = exchange.copy();
        copy.getIn().setBody(change.isLastInTransaction() ? changed.markedLast() : changed);
        return copy;
    }

    @Test
    void aBatchWithAValueOfAnotherTypeThanItsColumnGoesAsTextWhichTheTargetReadsAsALiteral() throws Exception {
        String slot = uniqueSlot("copytextvalue");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int, at timestamptz)");
        // an int into text, a timestamptz into timestamp: the target converts them, which only the text format does
        target().execute("CREATE TABLE " + table + " (id int, n text, at timestamp, " + APPEND_COLUMNS + ")");
        target().execute(recordingStatements(table, ""));
        List<Exchange> changes = changesOf(slot, table, 3, "INSERT INTO " + table + " VALUES (1, 7, NULL),"
                + " (2, NULL, '2026-11-22 10:00:00.5+00'), (3, -1, '-infinity')");
        oneABatch("tableModes=" + table + ":append").accept(changes);
        assertThat(writtenBy(table)).isEqualTo(List.of("INSERT", "COPY", "COPY"));
        assertThat(target().strings("SELECT string_agg(id || ':' || coalesce(n, '-') || ':' || coalesce(at::text, '-'),"
                + " ',' ORDER BY id) FROM " + table)).isEqualTo(List.of(
                "1:7:-,2:-:2026-11-22 10:00:00.5,3:-1:-infinity"));
    }

    @Test
    void aBatchWhoseTargetConnectionWasLostIsAppliedOnANewOneAndEachChangeIsAppendedOnce() throws Exception {
        appendAcrossALostConnection(uniqueSlot("copylost"), "timestamptz", "SELECT pid FROM pg_stat_activity"
                + " WHERE datname = '" + TARGET + "' AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                pid -> "SELECT pg_terminate_backend(" + pid + ")");
    }

    @Test
    void aTargetThatRefusesCopyGetsItsAppendsStagedAndIsNotCopiedIntoAgain() throws Exception {
        String slot = uniqueSlot("copyrefusescopy");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "timestamptz"));
        target().execute(recordingStatements(table, "RAISE EXCEPTION 'no COPY into this table';"));
        List<String> errors = handlingRoute(slot, List.of(table), "mode=append");
        appendThreeBatchesOfThree(table, errors);
        // the second batch tried a COPY straight into the target, the third did not
        assertThat(copiesBegun(table)).isEqualTo(1);
        assertThat(writtenBy(table)).containsOnly("INSERT");
        assertThat(target().strings("SELECT count(*) FROM " + table)).isEqualTo(List.of("9"));
    }

    @Test
    void appendsIntoATableWithARuleAreRefusedAndNeverCopiedPastTheRule() throws Exception {
        String slot = uniqueSlot("copyrule");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        // the staged insert's ON CONFLICT is refused on a table with rules, and a COPY would ignore the rule
        target().execute(appendTable(table, "timestamptz"), "CREATE TABLE " + table + "_audit (id int)",
                "CREATE RULE audit AS ON INSERT TO " + table + " DO ALSO INSERT INTO " + table
                        + "_audit VALUES (NEW.id)");
        List<String> errors = handlingRoute(slot, List.of(table), "mode=append");
        insertThreeBatchesOfThree(table, batch -> errors.size() >= batch * 3);
        assertThat(errors).hasSize(9).allMatch(error -> error.contains("has INSERT or UPDATE rules"));
        assertThat(target().strings("SELECT count(*) FROM " + table)).isEqualTo(List.of("0"));
    }

    @Test
    void appendsIntoATableWithRowLevelSecurityArriveUnderItsInsertPolicy() throws Exception {
        String slot = uniqueSlot("copyrls");
        String table = slot + "_t";
        String user = slot + "_user";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)", "CREATE ROLE " + user + " LOGIN");
        // the sink's user neither owns the table nor bypasses its policies: COPY into it is refused
        target().execute(appendTable(table, "timestamptz"), "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY appends ON " + table + " FOR INSERT TO " + user + " WITH CHECK (name <> 'refused')",
                // ON CONFLICT (key) reads the key, so needs SELECT, and then the new row must pass a SELECT policy
                "CREATE POLICY reads ON " + table + " FOR SELECT TO " + user + " USING (true)",
                "GRANT SELECT, INSERT ON " + table + " TO " + user);
        List<String> errors = handlingRouteTo(slot, List.of(table), "pgcdc-sink:rls?mode=append&jdbcUrl="
                + pg().jdbcUrl(TARGET) + "&user=" + user);
        // the first batch makes the staging table, the second would be a COPY straight into the target
        appendThreeBatchesOfThree(table, errors);
        // the policy holds for the staged inserts
        pg().execute("INSERT INTO " + table + " VALUES (10, 'refused')");
        Await.until("the refused row's failure", Duration.ofSeconds(30), () -> !errors.isEmpty());
        assertThat(errors.get(0)).contains("row-level security policy");
        assertThat(target().strings("SELECT count(*) FROM " + table)).isEqualTo(List.of("9"));
    }

    @Test
    void aBatchOfAppendsToTwoTablesIsNotCopiedStraightIntoTheSecondOnceTheFirstOpenedTheTransaction()
            throws Exception {
        String slot = uniqueSlot("copytwo");
        String first = slot + "_a";
        String second = slot + "_b";
        pg().execute("CREATE TABLE " + first + " (id int PRIMARY KEY, name text)",
                "CREATE TABLE " + second + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(first, "timestamptz"), appendTable(second, "timestamptz"));
        target().execute(recordingStatements(second, ""));
        route(slot, first + "," + second, "mode=append");
        // one transaction, one batch: the first makes both staging tables, the second finds them made
        for (int batch = 1; batch <= 2; batch++) {
            pg().execute("BEGIN; INSERT INTO " + first + " VALUES (" + batch + ", 'a'); INSERT INTO " + second
                    + " VALUES (" + batch + ", 'b'); COMMIT");
            int batches = batch;
            Await.until("batch " + batch, Duration.ofSeconds(30), () -> writtenBy(second).size() == batches);
        }
        // alone in its batch, the second table's rows go straight in
        pg().execute("INSERT INTO " + second + " VALUES (3, 'b')");
        Await.until("the third batch", Duration.ofSeconds(30), () -> writtenBy(second).size() == 3);
        assertThat(writtenBy(second)).isEqualTo(List.of("INSERT", "INSERT", "COPY binary"));
        assertThat(target().strings("SELECT count(*) FROM " + first)).isEqualTo(List.of("2"));
    }

    @Test
    void appendsMixedWithUpsertsInOneTransactionAreAppendedOnceAndInOrder() throws Exception {
        String slot = uniqueSlot("copymixed");
        String log = slot + "_log";
        String mirror = slot + "_m";
        pg().execute("CREATE TABLE " + log + " (id int PRIMARY KEY, name text)",
                "CREATE TABLE " + mirror + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(log, "timestamptz"), "CREATE TABLE " + mirror + " (id int PRIMARY KEY, name text)");
        route(slot, log + "," + mirror, "tableModes=" + log + ":append");
        // one source transaction alternating between the tables: the staged log rows are moved before each upsert,
        // so the batch moves rows of one staging table several times
        List<String> statements = new ArrayList<>(List.of("BEGIN"));
        for (int i = 1; i <= 5; i++) {
            statements.add("INSERT INTO " + log + " VALUES (" + i + ", 'l" + i + "')");
            statements.add("INSERT INTO " + mirror + " VALUES (" + i + ", 'm" + i + "')");
            statements.add("UPDATE " + log + " SET name = 'u" + i + "' WHERE id = " + i);
        }
        statements.add("COMMIT");
        pg().execute(String.join("; ", statements));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            expected.addAll(List.of("c " + i + " l" + i, "u " + i + " u" + i));
        }
        Await.until("the log appended", Duration.ofSeconds(30), () -> target().strings("SELECT _pgcdc_op || ' ' || id"
                + " || ' ' || name FROM " + log + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq"), expected::equals);
        target().awaitRowsEqual(mirror, source(), mirror);
    }

    @Test
    void aRowTheTargetRefusesFailsOnlyItsOwnExchangeWithTheTargetsError() throws Exception {
        String slot = uniqueSlot("copyrefused");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int)");
        target().execute("CREATE TABLE " + table + " (id int, n int CHECK (n > 0), " + APPEND_COLUMNS + ")");
        List<String> errors = handlingRoute(slot, List.of(table), "mode=append");
        // one transaction, so one batch: it fails, and is applied again change by change
        pg().execute("INSERT INTO " + table + " VALUES (1, 1), (2, -2), (3, 3)");
        Await.until("the refused row's failure", Duration.ofSeconds(30), () -> !errors.isEmpty());
        Await.until("the other rows appended", Duration.ofSeconds(30), () -> target().strings("SELECT"
                + " string_agg(id || ':' || n, ',' ORDER BY id) FROM " + table), List.of("1:1,3:3")::equals);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("Could not apply change c of public." + table, "violates check constraint");
        // the staging table made in the failed transaction went with it; later batches make and use it again
        pg().execute("INSERT INTO " + table + " VALUES (4, 4)");
        Await.until("a later row appended", Duration.ofSeconds(30), () -> target().strings("SELECT count(*) FROM "
                + table), List.of("3")::equals);
    }

    /**
     * The target refuses a row of a batch: the batch's failure (logged at DEBUG) and the exchange's error say what
     * failed, where and why, but carry none of the row's values, which the server's error detail and the failed
     * statement quote.
     */
    @Test
    void aFailedBatchSaysWhatFailedWithoutTheRowsValues() throws Exception {
        String slot = uniqueSlot("copyprivate");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int, secret text)");
        target().execute("CREATE TABLE " + table + " (id int, n int CHECK (n > 0), secret text, "
                + APPEND_COLUMNS + ")");
        // one transaction, so one batch: it fails, and is applied again change by change
        Refusal refusal = refused(slot, table, "INSERT INTO " + table + " VALUES (1, 1, 'a'), (987654321,"
                + " -123454321, 'zebra-secret'), (3, 3, 'c')", 2);
        assertThat(refusal.told()).contains("a batch of 3 changes failed");
        assertThat(refusal.failure().getMessage()).contains("Could not apply change c of public." + table
                + " at LSN", "(key id)", "violates check constraint", "SQLSTATE 23514", "constraint "
                + table + "_n_check");
        assertThat(refusal.told()).doesNotContain("987654321", "123454321", "zebra");
    }

    /**
     * A value the target column's type does not take: the server's message quotes it (and may quote it with the
     * value's own quote inside), so the failure tells the SQLSTATE's fixed description and the column COPY names.
     */
    @Test
    void aValueTheTargetTypeRefusesIsLeftOutButItsColumnNamed() throws Exception {
        String slot = uniqueSlot("copydata");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, amount text)");
        target().execute("CREATE TABLE " + table + " (id int, amount int, " + APPEND_COLUMNS + ")");
        Refusal refusal = refused(slot, table, "INSERT INTO " + table + " VALUES (1, 'zq\"xw')", 0);
        assertThat(((SinkException) refusal.failure()).getSQLState()).isEqualTo("22P02");
        assertThat(refusal.failure().getMessage()).contains("invalid text representation", "SQLSTATE 22P02",
                "column amount");
        assertThat(refusal.told()).doesNotContain("zq", "xw");
    }

    /** A target trigger's RAISE formats a row value into its message, which the failure therefore leaves out. */
    @Test
    void whatATargetTriggerRaisesIsLeftOut() throws Exception {
        String slot = uniqueSlot("copyraise");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, secret text)");
        target().execute("CREATE TABLE " + table + " (id int, secret text, " + APPEND_COLUMNS + ")",
                "CREATE FUNCTION " + table + "_refuse() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$BEGIN RAISE EXCEPTION 'bad %', NEW.secret; END$$",
                "CREATE TRIGGER refuse BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + table
                        + "_refuse()");
        Refusal refusal = refused(slot, table, "INSERT INTO " + table + " VALUES (1, 'yak-secret')", 0);
        assertThat(((SinkException) refusal.failure()).getSQLState()).isEqualTo("P0001");
        assertThat(refusal.failure().getMessage()).contains("raised by a trigger or function on the target",
                "SQLSTATE P0001");
        assertThat(refusal.told()).doesNotContain("yak");
    }

    /** The first failure of a change the target refused, and all the sink told: its log and the failure's chain. */
    private record Refusal(Exception failure, String told) {
    }

    /**
     * Streams {@code table} into an append-mode sink whose route handles {@link SinkException}s, runs {@code insert}
     * on the source, and waits for a failure and for {@code appended} rows in the target.
     */
    private Refusal refused(String slot, String table, String insert, int appended) throws Exception {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        try (LogCapture log = new LogCapture()) {
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    onException(SinkException.class).handled(true).process(e -> failures.add(
                            e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
                    from(uri(slot, "tables=" + table)).to(sinkUri("mode=append"));
                }
            });
            awaitStreaming(slot);
            pg().execute(insert);
            Await.until("the refused row's failure", Duration.ofSeconds(30), () -> !failures.isEmpty());
            Await.until("the other rows appended", Duration.ofSeconds(30), () -> target().strings("SELECT"
                    + " count(*) FROM " + table), List.of(String.valueOf(appended))::equals);
            StringBuilder told = new StringBuilder(log.text());
            for (Throwable e = failures.get(0); e != null; e = e.getCause()) {
                told.append(e).append('\n');
            }
            return new Refusal(failures.get(0), told.toString());
        }
    }

    @Test
    void aTargetUserWhoMayNotCreateTemporaryTablesIsToldTheGrant() throws Exception {
        String slot = uniqueSlot("copytemp");
        String table = slot + "_t";
        String database = slot + "_db";
        String user = slot + "_user";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        pg().createDatabase(database);
        pg().execute("CREATE ROLE " + user + " LOGIN");
        SqlDatabase restricted = new SqlDatabase(() -> pg().connectTo(database));
        restricted.execute("REVOKE TEMPORARY ON DATABASE " + database + " FROM PUBLIC",
                "CREATE TABLE " + table + " (id int, " + APPEND_COLUMNS + ")",
                "GRANT INSERT ON " + table + " TO " + user);
        List<SinkException> errors = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                onException(SinkException.class).handled(true).process(e -> errors.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, SinkException.class)));
                from(uri(slot, "tables=" + table)).to("pgcdc-sink:restricted?mode=append&jdbcUrl="
                        + pg().jdbcUrl(database) + "&user=" + user);
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)");
        Await.until("the failure", Duration.ofSeconds(30), () -> !errors.isEmpty());
        assertThat(errors.get(0).getMessage()).contains("temporary staging table",
                "GRANT TEMPORARY ON DATABASE \"" + database + "\" TO \"" + user + "\"");
        assertThat(errors.get(0).getSQLState()).isEqualTo("42501");
    }

    /**
     * Inserts rows 1 to 9 into {@code table} in three transactions, each once the target holds the one before, so
     * each is a batch of its own; fails when the route handled an error.
     */
    private void appendThreeBatchesOfThree(String table, List<String> errors) {
        insertThreeBatchesOfThree(table, batch -> !errors.isEmpty()
                || target().strings("SELECT count(*) FROM " + table).equals(List.of(String.valueOf(batch * 3))));
        assertThat(errors).isEmpty();
    }

    /** Inserts rows 1 to 9 into {@code table} in three transactions, each once {@code handled} says the last was. */
    private void insertThreeBatchesOfThree(String table, IntPredicate handled) {
        for (int batch = 1; batch <= 3; batch++) {
            pg().execute("INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series(" + (batch * 3 - 2) + ", "
                    + batch * 3 + ") g");
            int inserted = batch;
            Await.until("batch " + batch, Duration.ofSeconds(30), () -> handled.test(inserted));
        }
    }
}
