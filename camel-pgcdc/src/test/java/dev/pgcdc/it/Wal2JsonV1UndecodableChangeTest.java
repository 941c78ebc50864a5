package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * wal2json format-version 1 (a transaction's document sent in pieces) with a change pgcdc cannot decode in the middle
 * of a transaction: a dead-letter channel takes it, the rest of the transaction and the transactions after it arrive,
 * and the slot is confirmed past them. The undecodable change is a real one, as in {@link UndecodableChangeTest}: a
 * row of a composite type that gained an attribute before the change was decoded.
 */
class Wal2JsonV1UndecodableChangeTest extends Wal2JsonClusterTest {

    @Test
    void aDeadLetterChannelTakesTheUndecodableChangeAndTheRestArrives() throws Exception {
        String slot = uniqueSlot("w2j_v1_undecodable");
        String table = slot + "_t";
        String type = slot + "_pair";
        String options = "tables=" + table + "&plugin=wal2json&wal2jsonFormatVersion=1";
        pg().execute("CREATE TYPE \"" + type + "\" AS (a int, b text)",
                "CREATE TABLE \"" + table + "\" (id int PRIMARY KEY, v \"" + type + "\")");
        CamelContext first = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).log("${body}");
            }
        });
        awaitStreaming(slot);
        first.stop();
        contexts.remove(first);
        pg().execute("BEGIN; INSERT INTO \"" + table + "\" VALUES (1, NULL);"
                        + " INSERT INTO \"" + table + "\" VALUES (2, ROW(2, 'x'));"
                        + " INSERT INTO \"" + table + "\" VALUES (3, NULL); COMMIT",
                "ALTER TYPE \"" + type + "\" ADD ATTRIBUTE c int",
                "INSERT INTO \"" + table + "\" VALUES (4, NULL)");

        List<Exchange> dead = new CopyOnWriteArrayList<>();
        Received received = new Received();
        startWithDeadLetters(uri(slot, options), dead, received);
        List<ChangeEvent> events = received.await(3);
        assertThat(events).extracting(e -> e.getAfter().get("id")).containsExactly(1, 3, 4);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage())
                .contains("Cannot decode wal2json Insert", "has 3 attributes but the value has 2");
        long commit = events.get(2).getCommitLsn().value();
        Await.until("confirmed past the transaction after the undecodable change", Duration.ofSeconds(20),
                () -> confirmedFlush(slot) >= commit);
    }

    /**
     * The catalog connection dies (pg_terminate_backend) before a table's first change is described: that is not the
     * change's fault, so it must not reach the dead-letter channel (which would confirm past it); the session ends,
     * reconnects and decodes the change again.
     */
    @Test
    void aLostCatalogConnectionIsNotAnUndecodableChange() throws Exception {
        String slot = uniqueSlot("w2j_v1_catalog_lost");
        String first = slot + "_a";
        String second = slot + "_b";
        pg().execute("CREATE TABLE \"" + first + "\" (id int PRIMARY KEY)",
                "CREATE TABLE \"" + second + "\" (id int PRIMARY KEY)");
        List<Exchange> dead = new CopyOnWriteArrayList<>();
        Received received = new Received();
        startWithDeadLetters(uri(slot, "tables=" + first + "," + second + "&plugin=wal2json&wal2jsonFormatVersion=1"),
                dead, received);
        awaitStreaming(slot);
        pg().execute("INSERT INTO \"" + first + "\" VALUES (1)");
        received.await(1);
        String catalog = "pgcdc " + slot + " catalog";
        Await.until("the catalog connection ended", Duration.ofSeconds(20), () -> pg().queryForObject(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?",
                Long.class, catalog) == 1);
        pg().execute("INSERT INTO \"" + second + "\" VALUES (2)");
        List<ChangeEvent> events = received.await(2);
        assertThat(events).extracting(ChangeEvent::getTable).containsExactly(first, second);
        assertThat(dead).isEmpty();
    }
}
