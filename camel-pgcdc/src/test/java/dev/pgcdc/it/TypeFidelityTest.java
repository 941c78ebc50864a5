package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every built-in type (and arrays of each, multi-dimensional, with NULL elements), enums, domains, composites and
 * extension types, inserted, updated and deleted through the consumer on a real server: every emitted JSON value
 * equals what the same server's to_jsonb says, in text and in binary mode.
 */
class TypeFidelityTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Column, type, three values (SQL literals) for rows 1-3, whether binary mode decodes it, whether to add T[]. */
    private record Column(String name, String type, String v1, String v2, String v3, boolean binary, boolean array) {
    }

    private static final List<Column> COLUMNS = List.of(
            col("c_int2", "smallint", "42", "-32768", "32767"),
            col("c_int4", "int", "123456", "-2147483648", "2147483647"),
            col("c_int8", "bigint", "1234567890123", "-9223372036854775808", "9223372036854775807"),
            col("c_num", "numeric", "12345.678900", "'NaN'", "'-Infinity'"),
            col("c_num_big", "numeric", "123456789012345678901234567890.123456789012345678901234567890",
                    "'Infinity'", "0.0000000000000000000000000000000000000001"),
            col("c_num_scaled", "numeric(30,10)", "1.5", "-99999.0000000001", "0"),
            col("c_f4", "real", "1.1", "'NaN'", "'-0'"),
            col("c_f8", "double precision", "3.141592653589793", "'-Infinity'", "1e300"),
            textOnly("c_money", "money", "12.34", "-92233720368547758.08", "0"),
            col("c_bool", "boolean", "true", "false", "NULL"),
            col("c_char", "\"char\"", "'x'", "'\\'", "' '"),
            col("c_bpchar", "char(5)", "'ab'", "'     '", "'abcde'"),
            col("c_varchar", "varchar(20)", "'varchar'", "''", "'ünï'"),
            col("c_text", "text", "'hello'", "E'tab\\there\\nnew \"q\" \\\\ ünïcødé 🐘'", "''"),
            col("c_name", "name", "'aname'", "''", "'n'"),
            col("c_bytea", "bytea", "'\\x0102ab'", "'\\x'", "'\\x00ff'"),
            col("c_uuid", "uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'",
                    "NULL"),
            col("c_json", "json", "'{\"b\": 1.50, \"a\": [1, 2.0]}'", "'[]'", "'\"str\"'"),
            col("c_jsonb", "jsonb", "'{\"b\": 1.50, \"big\": 123456789012345678901234567890}'", "'{}'", "'null'"),
            col("c_xml", "xml", "'<a>x &amp; y</a>'", "'text only'", "NULL"),
            col("c_date", "date", "'2026-11-22'", "'infinity'", "'0044-03-15 BC'"),
            col("c_time", "time", "'10:00:00.123456'", "'24:00:00'", "'00:00:00'"),
            col("c_timetz", "timetz", "'10:00:00.5+02'", "'23:59:59.999999-05:30'", "'00:00:00+00'"),
            col("c_ts", "timestamp", "'2026-11-22 10:00:00.123456'", "'-infinity'", "'0044-03-15 12:00:00 BC'"),
            col("c_tstz", "timestamptz", "'2026-11-22 10:00:00.123456+00'", "'infinity'",
                    "'1999-12-31 23:59:59.1+05:30'"),
            // edge cases of the byte-level parsers: BC leap days (1 BC and 5 BC are ISO years 0 and -4), years
            // beyond 9999, a historic offset with seconds, floats with exponents and a negative zero
            col("c_date_edge", "date", "'0001-02-29 BC'", "'10000-01-01'", "'-infinity'"),
            col("c_ts_edge", "timestamp", "'0005-02-29 23:59:59.000001 BC'", "'10000-01-01 00:00:00'", "'infinity'"),
            col("c_tstz_edge", "timestamptz", "'0005-02-29 12:00:00+00 BC'", "'10000-01-01 00:00:00.5+00'",
                    "'1890-01-01 00:00:00-03:00:15'"),
            col("c_f8_edge", "double precision", "1.5e-07", "'-0'", "'NaN'"),
            col("c_f4_edge", "real", "3.4028235e+38", "1.5e-07", "'Infinity'"),
            // shortest digits: 1e23 is nearest to 9.999999999999999e+22, exactly half-way to the next double
            col("c_f8_digits", "double precision", "1e23", "0.1 + 0.2", "5e-324"),
            col("c_f4_digits", "real", "1e23", "16777217", "1e-45"),
            col("c_interval", "interval", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 days +02:03:04'",
                    "'-1 year -2 mons +3 days -04:05:06.5'"),
            col("c_inet", "inet", "'192.168.0.1'", "'2001:db8::1/64'", "'::ffff:1.2.3.4'"),
            col("c_cidr", "cidr", "'10.0.0.0/8'", "'2001:db8::/32'", "'192.168.1.1/32'"),
            col("c_macaddr", "macaddr", "'08:00:2b:01:02:03'", "'ff:ff:ff:ff:ff:ff'", "NULL"),
            col("c_macaddr8", "macaddr8", "'08:00:2b:01:02:03:04:05'", "'00:00:00:00:00:00:00:00'", "NULL"),
            col("c_bit", "bit(4)", "B'1010'", "B'0000'", "B'1111'"),
            col("c_varbit", "varbit", "B'1'", "B''", "B'101010101'"),
            textOnly("c_tsvector", "tsvector", "'a fat cat'", "''", "NULL"),
            textOnly("c_tsquery", "tsquery", "'fat & rat'", "'!a | b'", "NULL"),
            textOnly("c_point", "point", "'(1,2)'", "'(-1.5,1e300)'", "NULL"),
            textOnly("c_line", "line", "'{1,-1,0}'", "NULL", "NULL"),
            textOnly("c_lseg", "lseg", "'[(0,0),(1,1)]'", "NULL", "NULL"),
            textOnly("c_box", "box", "'(1,1),(0,0)'", "'(2.5,3),(-1,0)'", "NULL"),
            textOnly("c_path", "path", "'[(0,0),(1,1),(2,0)]'", "'((0,0),(1,1))'", "NULL"),
            textOnly("c_polygon", "polygon", "'((0,0),(1,1),(1,0))'", "NULL", "NULL"),
            textOnly("c_circle", "circle", "'<(0,0),1>'", "NULL", "NULL"),
            textOnly("c_int4range", "int4range", "'[1,5)'", "'empty'", "'(,10]'"),
            textOnly("c_numrange", "numrange", "'[1.5,2.5]'", "NULL", "NULL"),
            textOnly("c_tstzrange", "tstzrange", "'[2026-01-01 00:00:00+00,infinity)'", "NULL", "NULL"),
            textOnly("c_daterange", "daterange", "'[2026-01-01,2026-02-01)'", "NULL", "NULL"),
            textOnly("c_multirange", "int4multirange", "'{[1,3),[5,7)}'", "'{}'", "NULL"),
            col("c_oid", "oid", "4294967295", "0", "NULL"),
            textOnly("c_regclass", "regclass", "'pg_class'", "NULL", "NULL"),
            textOnly("c_regtype", "regtype", "'integer'", "NULL", "NULL"),
            textOnly("c_xid", "xid", "'12345'", "NULL", "NULL"),
            textOnly("c_pg_lsn", "pg_lsn", "'0/1A2B3C4'", "NULL", "NULL"),
            textOnly("c_tid", "tid", "'(0,1)'", "NULL", "NULL"),
            col("c_mood", "mood", "'happy'", "'sad'", "NULL"),
            col("c_posint", "posint", "5", "2147483647", "NULL"),
            col("c_email", "email", "'a@b.c'", "''", "NULL"),
            col("c_pair", "pair", "ROW(1, 'a b', ARRAY[1.5, NULL], '2026-01-01 10:00:00+00')::pair",
                    "ROW(NULL, '', '{}', NULL)::pair", "ROW(-1, 'x\"y\\z,()', NULL, 'infinity')::pair"),
            col("c_citext", "citext", "'MiXeD'", "''", "NULL"),
            // an extension type without a fixed OID; hstore orders its keys (by length, then bytes) as jsonb does
            col("c_hstore", "hstore", "'\"zz\"=>\"1\", \"a\"=>\"2\", \"q\\\"k\"=>\"b\\\\s\", \"ü\"=>NULL'", "''",
                    "'\"key with spaces\"=>\"ünï 🐘\", \"\"=>\"\"'"));

    private static Column col(String name, String type, String v1, String v2, String v3) {
        return new Column(name, type, v1, v2, v3, true, true);
    }

    private static Column textOnly(String name, String type, String v1, String v2, String v3) {
        return new Column(name, type, v1, v2, v3, false, true);
    }

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void types() {
        PG.server().execute("CREATE EXTENSION hstore", "CREATE EXTENSION citext",
                "CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE DOMAIN posint AS int CHECK (VALUE > 0)",
                "CREATE DOMAIN email AS text",
                "CREATE TYPE pair AS (a int, b text, c numeric[], d timestamptz)");
    }

    @Test
    void textModeMatchesToJsonb() throws Exception {
        roundTrip("types_text", "");
    }

    @Test
    void binaryModeMatchesToJsonb() throws Exception {
        String excluded = COLUMNS.stream().filter(c -> !c.binary)
                .flatMap(c -> List.of(c.name, c.name + "_arr").stream())
                .map(n -> "public.types_binary_*." + n).collect(Collectors.joining(","));
        roundTrip("types_binary", "binary=true&excludeColumns=" + excluded);
    }

    @Test
    void binaryModeRefusesToStartOnATypeWithoutBinaryDecoder() {
        String slot = uniqueSlot("types_nobinary");
        pg().execute("CREATE TABLE " + slot + "_t (id int PRIMARY KEY, r int4range)");
        assertThatThrownBy(() -> start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + slot + "_t&binary=true")).to("log:never");
            }
        })).hasStackTraceContaining(slot + "_t.r has type int4range").hasStackTraceContaining("use binary=false");
    }

    @Test
    void snapshotRowsMatchToJsonbAsStreamedRowsDo() throws Exception {
        String slot = uniqueSlot("types_snapshot");
        String table = slot + "_t";
        createTable(table);
        for (int row = 1; row <= 3; row++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + row + ", " + values(row) + ")");
        }
        Map<Integer, JsonNode> rows = toJsonb(table);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&snapshotMode=initial_only"))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        List<ChangeEvent> events = received.await(3);
        assertThat(events).extracting(ChangeEvent::getOp).containsOnly(Operation.READ);
        for (ChangeEvent event : events) {
            JsonNode row = EXACT.readTree(PLAIN.writeValueAsString(event)).get("after");
            int id = row.get("id").asInt();
            assertSameValues("snapshot row " + id, row, rows.get(id));
        }
    }

    /**
     * A table whose every column has a binary form is snapshotted with binary COPY, others with text COPY: the same
     * rows read both ways (the binary-capable columns alone, then every column) give equal Java values (the text
     * COPY's match to_jsonb: {@link #snapshotRowsMatchToJsonbAsStreamedRowsDo}).
     */
    @Test
    void binaryCopySnapshotGivesTheTextCopysValues() throws Exception {
        String slot = uniqueSlot("types_snapcopy");
        String table = slot + "_t";
        createTable(table);
        for (int row = 1; row <= 3; row++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + row + ", " + values(row) + ")");
        }
        String textOnly = COLUMNS.stream().filter(c -> !c.binary)
                .flatMap(c -> List.of(c.name, c.name + "_arr").stream())
                .map(n -> "public." + table + "." + n).collect(Collectors.joining(","));
        Map<Integer, Map<String, Object>> binary = snapshotRows(slot + "_binary", table, "&excludeColumns=" + textOnly);
        Map<Integer, Map<String, Object>> text = snapshotRows(slot + "_text", table, "");
        for (int id = 1; id <= 3; id++) {
            Map<String, Object> binaryRow = binary.get(id);
            assertThat(binaryRow.keySet()).as("binary-capable columns").hasSizeGreaterThan(60);
            List<String> different = new ArrayList<>();
            for (Map.Entry<String, Object> column : binaryRow.entrySet()) {
                Object textValue = text.get(id).get(column.getKey());
                if (!Objects.deepEquals(javaForm(column.getValue()), javaForm(textValue))) {
                    different.add(column.getKey() + ": binary " + column.getValue() + " text " + textValue);
                }
            }
            assertThat(different).as("row " + id + ": binary COPY values unlike text COPY's").isEmpty();
        }
    }

    /** The snapshot's rows of {@code table} (snapshotMode=initial_only) by id: their values as Java objects. */
    private Map<Integer, Map<String, Object>> snapshotRows(String slot, String table, String options)
            throws Exception {
        Received received = new Received();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&snapshotMode=initial_only" + options))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        Map<Integer, Map<String, Object>> rows = new HashMap<>();
        for (ChangeEvent event : received.await(3)) {
            rows.put((Integer) event.getAfter().get("id"), event.getAfter());
        }
        context.stop();
        return rows;
    }

    /** Lists (arrays) as Java arrays, so that deepEquals compares byte[] elements by content. */
    private static Object javaForm(Object value) {
        return value instanceof List<?> list ? list.stream().map(TypeFidelityTest::javaForm).toArray() : value;
    }

    /** The table of every column (and its array), REPLICA IDENTITY FULL so that deletes carry the whole row. */
    private void createTable(String table) {
        List<String> definitions = new ArrayList<>(List.of("id int PRIMARY KEY"));
        for (Column c : COLUMNS) {
            definitions.add(c.name + " " + c.type);
            if (c.array) {
                definitions.add(c.name + "_arr " + c.type + "[]");
            }
        }
        pg().execute("CREATE TABLE " + table + " (" + String.join(", ", definitions) + ")",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL");
    }

    private void roundTrip(String prefix, String options) throws Exception {
        String slot = uniqueSlot(prefix);
        String table = slot + "_t";
        createTable(table);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + (options.isEmpty() ? "" : "&" + options)))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);

        for (int row = 1; row <= 3; row++) {
            pg().execute("INSERT INTO " + table + " VALUES (" + row + ", " + values(row) + ")");
        }
        Map<Integer, JsonNode> inserted = toJsonb(table);
        // each row takes the next row's values: every value is seen again as an update
        pg().execute("UPDATE " + table + " SET (" + COLUMNS.stream().flatMap(c -> c.array
                        ? List.of(c.name, c.name + "_arr").stream() : List.of(c.name).stream())
                        .collect(Collectors.joining(", ")) + ") = (SELECT " + values(2) + ") WHERE id = 1",
                "UPDATE " + table + " SET (" + COLUMNS.stream().flatMap(c -> c.array
                        ? List.of(c.name, c.name + "_arr").stream() : List.of(c.name).stream())
                        .collect(Collectors.joining(", ")) + ") = (SELECT " + values(3) + ") WHERE id = 2");
        Map<Integer, JsonNode> updated = toJsonb(table);
        pg().execute("DELETE FROM " + table);

        List<ChangeEvent> events = received.await(8);
        assertThat(events).extracting(ChangeEvent::getOp).containsExactly(Operation.INSERT, Operation.INSERT,
                Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.DELETE, Operation.DELETE,
                Operation.DELETE);
        for (ChangeEvent event : events) {
            JsonNode json = EXACT.readTree(PLAIN.writeValueAsString(event));
            boolean delete = event.getOp() == Operation.DELETE;
            JsonNode row = json.get(delete ? "before" : "after");
            int id = row.get("id").asInt();
            assertThat(json.get("key")).as("the primary key, not the whole row under FULL")
                    .isEqualTo(EXACT.readTree("{\"id\": " + id + "}"));
            JsonNode expected = (event.getOp() == Operation.INSERT ? inserted : updated).get(id);
            assertSameValues(event.getOp() + " of row " + id, row, expected);
        }
    }

    /** Row {@code row}'s literal for every column: T[] holds ARRAY[v1, NULL, v2], 2-D for row 2, NULL for row 3. */
    private static String values(int row) {
        List<String> values = new ArrayList<>();
        for (Column c : COLUMNS) {
            values.add("(" + (row == 1 ? c.v1 : row == 2 ? c.v2 : c.v3) + ")::" + c.type);
            if (c.array) {
                String v1 = "(" + c.v1 + ")::" + c.type;
                String v2 = "(" + c.v2 + ")::" + c.type;
                values.add((row == 1 ? "ARRAY[" + v1 + ", NULL, " + v2 + "]"
                        : row == 2 ? "ARRAY[[" + v1 + ", " + v2 + "], [" + v2 + ", NULL]]"
                        : "NULL") + "::" + c.type + "[]");
            }
        }
        return String.join(", ", values);
    }

    /** to_jsonb of every row. */
    private Map<Integer, JsonNode> toJsonb(String table) throws Exception {
        Map<Integer, JsonNode> rows = new HashMap<>();
        for (Map<String, Object> r : pg().queryForList("SELECT id, to_jsonb(t)::text AS j FROM " + table + " t")) {
            rows.put((Integer) r.get("id"), EXACT.readTree((String) r.get("j")));
        }
        return rows;
    }

    private static void assertSameValues(String what, JsonNode actual, JsonNode expected) {
        List<String> names = new ArrayList<>();
        actual.fieldNames().forEachRemaining(names::add);
        List<String> mismatches = new ArrayList<>();
        for (String name : names) {
            boolean floats = name.startsWith("c_f4") || name.startsWith("c_f8");
            if (!actual.get(name).equals((a, b) -> sameValue(a, b, floats) ? 0 : 1, expected.get(name))) {
                mismatches.add(name + ": ours " + actual.get(name) + " to_jsonb " + expected.get(name));
            }
        }
        assertThat(mismatches).as(what).isEmpty();
        assertThat(names.size()).as(what + ": columns delivered").isGreaterThan(30);
        // JSON objects compare regardless of order, but hstore keys keep hstore's order
        List<String> keys = new ArrayList<>();
        actual.get("c_hstore").fieldNames().forEachRemaining(keys::add);
        List<String> expectedKeys = new ArrayList<>();
        expected.get("c_hstore").fieldNames().forEachRemaining(expectedKeys::add);
        assertThat(keys).as(what + ": hstore key order").isEqualTo(expectedKeys);
    }

    /**
     * Numbers compare by value (1.1 == 1.10, 1.0E300 == 1000...0), except floats, whose digits must be to_jsonb's
     * (-0 is 0, not -0.0); everything else exactly.
     */
    private static boolean sameValue(JsonNode a, JsonNode b, boolean floats) {
        if (floats && a.isNumber() && b.isNumber()) {
            return a.toString().equals(b.toString()); // both parsed alike: the same text gives the same node
        }
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
        }
        return a.equals(b);
    }
}
