package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A change keeps the identity it had when it was made, with every plugin: a key that is TOASTed on disk comes from
 * the old key the server sends, and a backlog decoded after its tables were dropped or their key columns renamed
 * still says which row changed, or says explicitly (key null) that it cannot know. On the local PostgreSQL 15, which
 * has wal2json.
 */
class IdentityTest extends Wal2JsonClusterTest {

    private static final String PGOUTPUT = "plugin=pgoutput";
    private static final String WAL2JSON = "plugin=wal2json";
    private static final String WAL2JSON_V1 = "plugin=wal2json&wal2jsonFormatVersion=1";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PGOUTPUT, WAL2JSON, WAL2JSON_V1})
    void anUpdateOfARowWhoseKeyIsToastedCarriesTheKey(String plugin) throws Exception {
        String slot = uniqueSlot("toastkey");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (k text PRIMARY KEY, v text)");
        Received received = consume(slot, "tables=public." + table + "&" + plugin);
        pg().execute("INSERT INTO " + table + " SELECT string_agg(md5(i::text), ''), 'v1' FROM generate_series(1, 66) i",
                "UPDATE " + table + " SET v = 'v2'");
        String k = pg().queryForObject("SELECT k FROM " + table, String.class);

        ChangeEvent update = received.await(2).get(1);
        assertThat(update.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(update.getKey()).isEqualTo(Map.of("k", k));
        assertThat(update.getAfter()).isEqualTo(Map.of("k", k, "v", "v2"));
        assertThat(update.getUnchanged()).isEmpty();
    }

    /**
     * Changes to four tables, decoded only after two were dropped and two had their key column renamed: under
     * REPLICA IDENTITY DEFAULT the key is what the change carries; under FULL the key is the primary key wal2json
     * names with the change (format-version 2), and where nothing says what the key was (pgoutput flags every column
     * under FULL; wal2json's format-version 1 names no key there) it is null, never the whole row.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {PGOUTPUT, WAL2JSON, WAL2JSON_V1})
    void aBacklogKeepsTheKeysItsChangesWereMadeWith(String plugin) throws Exception {
        String slot = uniqueSlot("backlog");
        List<String> tables = List.of(slot + "_dropped", slot + "_dropped_full", slot + "_renamed",
                slot + "_renamed_full");
        for (String table : tables) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, a text)");
        }
        pg().execute("ALTER TABLE " + slot + "_dropped_full REPLICA IDENTITY FULL",
                "ALTER TABLE " + slot + "_renamed_full REPLICA IDENTITY FULL");
        String options = "tables=public." + slot + "_*&" + plugin;
        CamelContext first = start(route(slot, options, new Received()));
        awaitStreaming(slot);
        first.stop();
        contexts.remove(first);

        for (String table : tables) {
            pg().execute("INSERT INTO " + table + " VALUES (1, 'a')", "UPDATE " + table + " SET a = 'b'",
                    "DELETE FROM " + table);
        }
        pg().execute("DROP TABLE " + slot + "_dropped, " + slot + "_dropped_full",
                "ALTER TABLE " + slot + "_renamed RENAME id TO id2",
                "ALTER TABLE " + slot + "_renamed_full RENAME id TO id2");
        Received received = new Received();
        start(route(slot, options, received));

        Map<String, List<ChangeEvent>> byTable = new HashMap<>();
        received.await(12).forEach(e -> byTable.computeIfAbsent(e.getTable(), t -> new ArrayList<>()).add(e));
        Map<String, Object> key = Map.of("id", 1);
        boolean fullKeyKnown = plugin.equals(WAL2JSON);
        for (String table : tables) {
            List<ChangeEvent> events = byTable.get(table);
            assertThat(events).as(table).extracting(ChangeEvent::getOp)
                    .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
            boolean full = table.endsWith("_full");
            for (ChangeEvent event : events) {
                assertThat(event.getKey()).as(event.toString()).isEqualTo(full && !fullKeyKnown ? null : key);
            }
            ChangeEvent delete = events.get(2);
            assertThat(delete.getBefore()).as(delete.toString())
                    .isEqualTo(full ? Map.of("id", 1, "a", "b") : key);
        }
    }

    private Received consume(String slot, String options) throws Exception {
        Received received = new Received();
        start(route(slot, options, received));
        awaitStreaming(slot);
        return received;
    }

    private RouteBuilder route(String slot, String options, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }
}
