package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** createTables: pgcdc → pgcdc-sink into targets without the tables, PostgreSQL and MariaDB. */
class CreateTablesTest extends SinkTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final String TARGET = "create_target";
    static final String MARIA_DB = "pgcdc_sink_create_" + ProcessHandle.current().pid();
    static final String MARIA_URL = "jdbc:mariadb://127.0.0.1:3306/" + MARIA_DB;
    /** User-defined types that exist in source and target alike. */
    static final String[] TYPES = {"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE DOMAIN posint AS int CHECK (VALUE > 0)", "CREATE TYPE pair AS (n int, label text, at date)"};

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void createTargets() {
        PG.server().createDatabase(TARGET);
        PG.server().execute(TYPES);
        new SqlDatabase(() -> PG.server().connectTo(TARGET)).execute(TYPES);
        mariaServer().execute("CREATE DATABASE " + MARIA_DB);
    }

    @AfterAll
    static void dropMariaDatabase() {
        mariaServer().execute("DROP DATABASE IF EXISTS " + MARIA_DB);
    }

    private static SqlDatabase mariaServer() {
        return new SqlDatabase(() -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", ""));
    }

    private static SqlDatabase maria() {
        return new SqlDatabase(() -> DriverManager.getConnection(MARIA_URL, "root", ""));
    }

    @Override
    protected SqlDatabase target() {
        return new SqlDatabase(() -> pg().connectTo(TARGET));
    }

    @Override
    protected String sinkUri(String options) {
        return "pgcdc-sink:replica?createTables=true&jdbcUrl=" + pg().jdbcUrl(TARGET) + "&user=" + pg().superuser()
                + (options.isEmpty() ? "" : "&" + options);
    }

    private static String mariaSink(String options) {
        return "pgcdc-sink:maria?createTables=true&jdbcUrl=" + MARIA_URL + "&user=root&targetSchema=" + MARIA_DB
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** Starts a route from the slot's table straight to the sink, and waits until it streams. */
    private void stream(String slot, String table, String sink) throws Exception {
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).to(sink);
            }
        });
        awaitStreaming(slot);
    }

    /** Each column's name, format_type and NOT NULL, and the primary key, as the catalog of {@code db} has them. */
    private static List<String> shape(SqlDatabase db, String table) {
        List<String> shape = new java.util.ArrayList<>(db.strings("SELECT attname || ' ' || format_type(atttypid,"
                + " atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
        shape.addAll(db.strings("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '" + table
                + "'::regclass AND contype = 'p'"));
        return shape;
    }

    @Test
    void postgresTargetGetsTheSourceTypesKeyAndRows() throws Exception {
        String slot = uniqueSlot("pgtypes");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, amount numeric(12,2), code varchar(20),"
                + " body text NOT NULL, at timestamptz NOT NULL, meta jsonb, tags int[], data bytea, u uuid, m mood,"
                + " p posint, pr pair, prs pair[])");
        stream(slot, table, sinkUri(""));
        pg().execute("INSERT INTO " + table + " VALUES (1, 12.5, 'a', 'b', '2026-01-02 03:04:05.123456+02',"
                        + " '{\"a\": [1, 2.50]}', '{1,NULL,3}', '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ok', 7,"
                        // composite values, quotes, backslashes, commas and parentheses in fields, and NULLs
                        + " ROW(1, 'a \"q\", b\\c (x)', '2026-01-02')::pair,"
                        + " ARRAY[ROW(2, NULL, NULL)::pair, NULL, ROW(NULL, '', '2026-03-04')::pair]),"
                        + " (2, NULL, NULL, 'c', now(), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "UPDATE " + table + " SET m = 'happy', body = 'changed' WHERE id = 1",
                "INSERT INTO " + table + " VALUES (3, 1, 'x', 'y', now())", "DELETE FROM " + table + " WHERE id = 3");
        target().awaitRowsEqual(table, source(), table);
        // NOT NULL only on the key: the source enforces the rest (see TableCreator)
        List<String> expected = shape(source(), table).stream()
                .map(column -> column.startsWith("id ") ? column : column.replace(" NOT NULL", "")).toList();
        assertThat(shape(target(), table)).isEqualTo(expected)
                .contains("id integer NOT NULL", "at timestamp with time zone", "m mood", "p posint", "pr pair",
                        "prs pair[]", "PRIMARY KEY (id)");
    }

    @Test
    void columnsTheStreamDoesNotCarryAreNotCreated() throws Exception {
        String slot = uniqueSlot("uncarried");
        String table = slot + "_t";
        // secret is excluded by the consumer, total is generated: no change carries either, so a NOT NULL column
        // for them would block every write
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, secret int NOT NULL, v int NOT NULL,"
                + " total int GENERATED ALWAYS AS (v * 2) STORED)");
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&excludeColumns=" + table + ".secret")).to(sinkUri(""));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1, 42, 3)", "UPDATE " + table + " SET v = 4");
        Await.until("the row in the target", Duration.ofSeconds(30),
                () -> target().stringsOnceCreated("SELECT id || ' ' || v FROM " + table), List.of("1 4")::equals);
        assertThat(shape(target(), table)).containsExactly("id integer NOT NULL", "v integer", "PRIMARY KEY (id)");
    }

    @Test
    void aTruncateAsTheTablesFirstChangeCreatesItWithTheSourceKey() throws Exception {
        String slot = uniqueSlot("truncfirst");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (code text, n int NOT NULL, note text, PRIMARY KEY (n, code))");
        stream(slot, table, sinkUri(""));
        // a truncate carries no key: the key comes from the source's primary key
        pg().execute("TRUNCATE " + table, "INSERT INTO " + table + " VALUES ('a', 1, 'after')");
        target().awaitRowsEqual(table, source(), table);
        assertThat(shape(target(), table)).contains("PRIMARY KEY (n, code)");
    }

    @Test
    void columnsAddedAtTheSourceAreAddedToBothTargets() throws Exception {
        String slot = uniqueSlot("evolve");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).to(sinkUri("")).to(mariaSink(""));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a')",
                "ALTER TABLE " + table + " ADD COLUMN amount numeric(10,2), ADD COLUMN \"Note\" varchar(30)",
                "INSERT INTO " + table + " VALUES (2, 'b', 2.50, 'n')",
                "UPDATE " + table + " SET amount = 1 WHERE id = 1");
        target().awaitRowsEqual(table, source(), table);
        assertThat(shape(target(), table)).containsExactly("id integer NOT NULL", "name text",
                "amount numeric(10,2)", "Note character varying(30)", "PRIMARY KEY (id)");
        // the MariaDB sink comes after the PostgreSQL one: wait for it too
        Await.until("MariaDB rows equal", Duration.ofSeconds(30), () -> maria().stringsOnceCreated(
                "SELECT concat_ws('|', id, name, amount, Note) FROM " + table + " ORDER BY id"),
                List.of("1|a|1.00", "2|b|2.50|n")::equals);
        assertThat(maria().strings("SELECT concat(column_name, ' ', column_type) FROM information_schema.columns"
                + " WHERE table_schema = '" + MARIA_DB + "' AND table_name = '" + table + "' ORDER BY ordinal_position"))
                .containsExactly("id int(11)", "name longtext", "amount decimal(10,2)", "Note varchar(30)");
    }

    @Test
    void softDeleteAndAppendTablesWithHostileNamesInANewSchemaWithoutExcludedColumns() throws Exception {
        String slot = uniqueSlot("hostile");
        String table = "we\"ird Tab.le " + slot;
        String quotedTable = "\"" + table.replace("\"", "\"\"") + "\"";
        String column = "a \"q\" col";
        pg().execute("CREATE TABLE " + quotedTable + " (id int PRIMARY KEY, \"a \"\"q\"\" col\" text, secret text)");
        String schema = "\"new \"\"Schema\"\" " + slot + "\"";
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=RAW(" + quotedTable + ")"))
                        .to(sinkUri("mode=softDelete&excludeColumns=secret&tableMapping=RAW(" + quotedTable + ":"
                                + schema + ".\"soft Copy\")"))
                        .to(sinkUri("mode=append&tableMapping=RAW(" + quotedTable + ":" + schema + ".history)"));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + quotedTable + " VALUES (1, 'x', 's1'), (2, 'y', 's2')",
                "DELETE FROM " + quotedTable + " WHERE id = 1",
                "UPDATE " + quotedTable + " SET \"a \"\"q\"\" col\" = 'y2' WHERE id = 2");
        String soft = schema + ".\"soft Copy\"";
        String history = schema + ".history";
        Await.until("soft deletes applied", Duration.ofSeconds(30), () -> target().stringsOnceCreated("SELECT id || ' '"
                + " || \"a \"\"q\"\" col\" || ' ' || _pgcdc_deleted FROM " + soft + " ORDER BY id"),
                List.of("1 x true", "2 y2 false")::equals);
        assertThat(shape(target(), soft)).containsExactly("id integer NOT NULL", column + " text",
                "_pgcdc_deleted boolean NOT NULL", "PRIMARY KEY (id)");
        Await.until("history appended", Duration.ofSeconds(30), () -> target().stringsOnceCreated("SELECT _pgcdc_op || ' '"
                + " || id || ' ' || coalesce(secret, '-') FROM " + history + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq"),
                List.of("c 1 s1", "c 2 s2", "d 1 -", "u 2 s2")::equals);
        assertThat(shape(target(), history)).containsExactly("id integer", column + " text", "secret text",
                "_pgcdc_op character(1)", "_pgcdc_commit_lsn bigint NOT NULL", "_pgcdc_seq bigint NOT NULL",
                "_pgcdc_lsn bigint", "_pgcdc_commit_ts timestamp with time zone", "_pgcdc_unchanged text",
                "PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq)");
    }

    @Test
    void mariaDbTargetGetsTheDocumentedTypesAndEqualRows() throws Exception {
        String slot = uniqueSlot("mariatypes");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name varchar(20), body text, amount numeric(12,2),"
                + " at timestamptz, ts timestamp(3), d date, flag bool, big int8, f8 float8, data bytea, u uuid, m mood,"
                + " c char(3), p posint, meta jsonb, tags int[], ip inet)");
        stream(slot, table, mariaSink(""));
        pg().execute("INSERT INTO " + table + " VALUES (1, 'naïve', repeat('x', 5000), -12.25,"
                        + " '2026-01-02 03:04:05.123456+02', '2026-01-02 03:04:05.123', '2026-01-02', true, 9000000000,"
                        + " 1.5, '\\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'happy', 'ab', 5,"
                        + " '{\"a\": [1, 2.50]}', '{1,NULL,3}', '10.0.0.1/8'), (2, 'b', NULL, 0, NULL, NULL, NULL, false,"
                        + " NULL, NULL, NULL, NULL, 'sad', NULL, NULL, NULL, NULL, NULL)",
                "UPDATE " + table + " SET name = 'B' WHERE id = 2");
        List<String> expected = source().strings("SELECT concat_ws('|', id, name, md5(body), amount,"
                + " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), to_char(ts, 'YYYY-MM-DD HH24:MI:SS.MS'),"
                + " d, flag::int, big, f8, encode(data, 'hex'), u, m, c::text, p, ip) FROM " + table + " ORDER BY id");
        Await.until("MariaDB rows equal", Duration.ofSeconds(30), () -> maria().stringsOnceCreated("SELECT concat_ws('|', id,"
                + " name, md5(body), amount, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), LEFT(DATE_FORMAT(ts,"
                + " '%Y-%m-%d %H:%i:%s.%f'), 23), d, flag, big, f8, lower(hex(data)), u, m, c, p, ip) FROM " + table
                + " ORDER BY id"), expected::equals);
        // JSON as pgcdc writes to_jsonb's form
        assertThat(maria().strings("SELECT concat_ws(' ', meta, tags) FROM " + table + " ORDER BY id"))
                .containsExactly("{\"a\":[1,2.50]} [1,null,3]", "");
        assertThat(maria().strings("SELECT concat(column_name, ' ', column_type, ' ', is_nullable, column_key) FROM"
                + " information_schema.columns WHERE table_schema = '" + MARIA_DB + "' AND table_name = '" + table
                + "' ORDER BY ordinal_position")).containsExactly("id int(11) NOPRI", "name varchar(20) YES",
                "body longtext YES", "amount decimal(12,2) YES", "at datetime(6) YES", "ts datetime(3) YES",
                "d date YES", "flag tinyint(1) YES", "big bigint(20) YES", "f8 double YES", "data longblob YES",
                "u char(36) YES", "m varchar(64) YES", "c char(3) YES", "p int(11) YES", "meta longtext YES",
                "tags longtext YES", "ip varchar(43) YES");
    }

    @Test
    void hstoreBecomesAJsonObjectInMariaDb() throws Exception {
        String slot = uniqueSlot("mariahstore");
        String table = slot + "_t";
        pg().execute("CREATE EXTENSION IF NOT EXISTS hstore",
                "CREATE TABLE " + table + " (id int PRIMARY KEY, h hstore)");
        stream(slot, table, mariaSink(""));
        pg().execute("INSERT INTO " + table + " VALUES (1, '\"b\"=>\"2\", \"a\"=>NULL, \"q\\\"k\"=>\"ü\"'), (2, '')");
        List<String> expected = source().strings("SELECT to_jsonb(h)::text FROM " + table + " ORDER BY id");
        Await.until("MariaDB rows equal", Duration.ofSeconds(30), () -> maria().stringsOnceCreated(
                "SELECT JSON_COMPACT(h) FROM " + table + " ORDER BY id"), rows -> rows.size() == 2);
        // MariaDB's JSON_COMPACT drops the spaces PostgreSQL's jsonb text has; the keys keep hstore's order
        assertThat(maria().strings("SELECT JSON_COMPACT(h) FROM " + table + " ORDER BY id"))
                .containsExactlyElementsOf(expected.stream().map(j -> j.replace("\": ", "\":").replace(", ", ","))
                        .toList());
        // a JSON column: MariaDB checks that every value is JSON
        assertThat(maria().strings("SELECT check_clause FROM information_schema.check_constraints WHERE"
                + " constraint_schema = '" + MARIA_DB + "' AND table_name = '" + table + "'"))
                .containsExactly("json_valid(`h`)");
    }

    @Test
    void aTypeMariaDbCannotHoldFailsTheChangeBeforeAnythingIsWrittenOrAcknowledged() throws Exception {
        String slot = uniqueSlot("mariabad");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (code text PRIMARY KEY, x numeric, y numeric(70,2), ok int)");
        FailedChanges failed = failingRouteTo(slot, table, mariaSink(""));
        pg().execute("INSERT INTO " + table + " VALUES ('a', 1.5, 2, 3)");
        assertThat(failed.awaitError()).contains(
                "createTables cannot create target table \"" + MARIA_DB + "\".\"" + table + "\"",
                "`x` is numeric without a precision", "e.g. numeric(20,4)", "`y` is numeric(70,2)",
                "key column `code` text would be LONGTEXT", "VARCHAR(n)");
        assertThat(maria().strings("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + MARIA_DB
                + "' AND table_name = '" + table + "'")).containsExactly("0");
        failed.assertNotAcknowledged();
    }

    @Test
    void aChangeThatDidNotComeStraightFromPgcdcCannotCreateItsTable() throws Exception {
        String slot = uniqueSlot("viaseda");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        List<String> errors = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                onException(SinkException.class).handled(true).process(e -> errors.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                from(uri(slot, "tables=" + table)).to("seda:" + slot);
                from("seda:" + slot).to(sinkUri(""));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1)");
        Await.until("the failure reported", Duration.ofSeconds(30), () -> !errors.isEmpty());
        assertThat(errors.get(0)).contains("createTables needs the change to come straight from a pgcdc: consumer",
                "seda://" + slot, "create the target tables yourself");
    }
}
