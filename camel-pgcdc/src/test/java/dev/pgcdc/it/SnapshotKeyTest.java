package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The key of a row is the same in the snapshot and in the stream, whatever the table's replica identity, and the
 * snapshot's chunk window recognises the stream's changes by that key: a row deleted or updated between a chunk's
 * watermarks is not emitted from the chunk.
 */
class SnapshotKeyTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    /**
     * The table is only streamed at first (skipSnapshotTables) and snapshotted on request, once a trigger is in
     * place: a trigger on the signal table deletes one row and updates two (one changes the index key, one the primary key)
     * in the transaction of the chunk's high watermark, before it: after the chunk was read, before its window
     * closes, every time.
     */
    @ParameterizedTest
    @CsvSource({"USING INDEX %s_email_key, email", "FULL, id"})
    void snapshotAndStreamAgreeOnTheKeyAndChangesInTheWindowLeaveTheChunk(String identity, String keyColumn)
            throws Exception {
        String slot = uniqueSlot("key");
        String table = slot + "_t";
        String signal = slot + "_signal";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text NOT NULL UNIQUE)",
                "INSERT INTO " + table + " SELECT g, 'a' || g || '@x' FROM generate_series(1, 5) g",
                "ALTER TABLE " + table + " REPLICA IDENTITY " + String.format(identity, table));
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table + "&snapshotMode=initial&skipSnapshotTables=public." + table
                        + "&signalTable=public." + signal
                        + "&snapshotStateTable=public." + slot + "_state"))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        pg().execute("CREATE TABLE " + slot + "_armed (armed boolean)",
                "INSERT INTO " + slot + "_armed VALUES (true)",
                "CREATE FUNCTION " + slot + "_in_window() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " DECLARE fired int; BEGIN"
                        + " IF NEW.kind = 'high-watermark' THEN"
                        + "   DELETE FROM " + slot + "_armed; GET DIAGNOSTICS fired = ROW_COUNT;"
                        + "   IF fired > 0 THEN"
                        + "     DELETE FROM " + table + " WHERE id = 2;"
                        + "     UPDATE " + table + " SET email = 'moved@x' WHERE id = 3;"
                        + "     UPDATE " + table + " SET id = 40 WHERE id = 4;"
                        + "   END IF;"
                        + " END IF; RETURN NEW; END $$",
                "CREATE TRIGGER in_window BEFORE INSERT ON " + signal + " FOR EACH ROW EXECUTE FUNCTION "
                        + slot + "_in_window()");

        pg().execute("INSERT INTO " + signal + " (slot_name, kind, table_name) VALUES ('" + slot + "', 'snapshot',"
                + " 'public." + table + "')");
        Await.until("the chunk's high watermark written", Duration.ofSeconds(30), () -> pg().queryForObject(
                "SELECT count(*)::int FROM " + slot + "_armed", Integer.class) == 0);
        pg().execute("DELETE FROM " + table + " WHERE id = 5");

        boolean byEmail = keyColumn.equals("email");
        Object lastKey = byEmail ? "a5@x" : 5;
        List<ChangeEvent> events = received.awaitMatching("the delete after the snapshot", all -> !all.isEmpty()
                && all.get(all.size() - 1).getOp() == Operation.DELETE
                && all.get(all.size() - 1).getKey().containsValue(lastKey));
        assertThat(events).extracting(e -> e.getOp().code() + e.getKey()).containsExactly(
                "d" + key(keyColumn, byEmail ? "a2@x" : 2),
                "u" + key(keyColumn, byEmail ? "moved@x" : 3),
                "u" + key(keyColumn, byEmail ? "a4@x" : 40),
                "r" + key(keyColumn, byEmail ? "a1@x" : 1),
                "r" + key(keyColumn, byEmail ? "a5@x" : 5),
                "d" + key(keyColumn, byEmail ? "a5@x" : 5));
    }

    private static String key(String column, Object value) {
        return "{" + column + "=" + value + "}";
    }
}
