package dev.pgcdc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.pgcdc.embedded.HostAuth;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.it.CdcTestSupport;
import dev.pgcdc.pg.Identifiers;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Customer-managed streaming needs no more than LOGIN + REPLICATION + SELECT; and names with quotes, spaces, dots,
 * mixed case, Unicode and SQL keywords stream end to end, through setup SQL and START_REPLICATION alike.
 */
class LeastPrivilegeAndHostileNamesTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().hostAuth(HostAuth.SCRAM_SHA_256).build();

    @TempDir
    static Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void streamsAsARoleWithOnlyLoginReplicationAndSelect() throws Exception {
        String slot = uniqueSlot("leastpriv");
        String role = slot + "_reader";
        String password = "Reader-S3cret!";
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY, note text)",
                "INSERT INTO " + slot + " VALUES (0, 'zero')",
                "CREATE PUBLICATION " + slot + " FOR TABLE " + slot,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
                "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + password + "'",
                "GRANT SELECT ON " + slot + " TO " + role);
        assertThat(pg().queryForObject("SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles"
                + " WHERE rolname = ?", Boolean.class, role)).isFalse();
        Path passwordFile = Files.writeString(dir.resolve("password"), password + "\n");
        String uri = "pgcdc:" + slot + "?host=" + pg().host() + "&port=" + pg().port() + "&database=postgres&user="
                + role + "&passwordFile=" + passwordFile + "&statusInterval=500&snapshotMode=initial"
                // the slot's own snapshot tables, so that tests do not share them
                + "&signalTable=public." + slot + "_signal&snapshotStateTable=public." + slot + "_state";
        Received received = new Received();
        try (LogCapture logs = new LogCapture()) {
            // the snapshot's tables are what the role may not create: the administrator runs what the plan says
            try {
                start(consume(uri, received));
                throw new AssertionError("start should fail: the role may not set up the snapshot's tables");
            } catch (Exception e) {
                runWithPsqlAsSuperuser(setupFailure(e).plan().toSqlScript());
            }
            contexts.clear();
            start(consume(uri, received));
            awaitStreaming(slot);
            assertThat(received.await(1)).extracting(ChangeEvent::getOp).containsExactly(Operation.READ);
            pg().execute("INSERT INTO " + slot + " VALUES (1, 'one')", "UPDATE " + slot + " SET note = 'uno'"
                    + " WHERE id = 1", "DELETE FROM " + slot + " WHERE id = 1");
            assertThat(received.await(4)).extracting(ChangeEvent::getOp)
                    .containsExactly(Operation.READ, Operation.INSERT, Operation.UPDATE, Operation.DELETE);
            assertThat(logs.text()).doesNotContain(password);
        }
        assertThat(pg().queryForObject("SELECT usename FROM pg_stat_replication WHERE application_name = ?",
                String.class, "pgcdc " + slot)).isEqualTo(role);
    }

    private static RouteBuilder consume(String uri, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }

    @Test
    void hostileSchemaTableColumnAndPublicationNamesStreamEndToEnd() throws Exception {
        String slot = uniqueSlot("hostile");
        String schema = "Mixed \"Schema\" " + slot;
        String table = "Ordér's table.select, drop";
        String publication = "pub 'q' \"Ünï\" select " + slot;
        List<String> columns = List.of("Id", "select", "naïve 'col'", "a\"b", "日本");
        pg().execute("CREATE SCHEMA " + Identifiers.quote(schema),
                "CREATE TABLE " + Identifiers.quote(schema, table) + " (" + Identifiers.quote(columns.get(0)) + " int PRIMARY KEY, "
                        + columns.stream().skip(1).map(c -> Identifiers.quote(c) + " text").reduce((a, b) -> a + ", " + b)
                        .orElseThrow() + ")");
        String tablesOption = quoted(schema) + "." + quoted(table);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "password=postgres&tables=RAW(" + tablesOption + ")&publication=RAW(" + publication + ")"))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + Identifiers.quote(schema, table) + " VALUES (1, 'a', 'b', 'c''d', 'e')");
        ChangeEvent event = received.await(1).get(0);
        assertThat(event.getSchema()).isEqualTo(schema);
        assertThat(event.getTable()).isEqualTo(table);
        assertThat(event.getAfter()).containsExactlyEntriesOf(orderedRow(columns, 1, "a", "b", "c'd", "e"));
        assertThat(pg().queryForObject("SELECT count(*) FROM pg_publication WHERE pubname = ?", Long.class, publication))
                .isEqualTo(1L);
    }

    /** The tables option's quoting: SQL's double quotes, doubled inside. */
    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static Map<String, Object> orderedRow(List<String> columns, Object... values) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(columns.get(i), values[i]);
        }
        return row;
    }
}
