package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.security.LogCapture;
import dev.pgcdc.pg.TableName;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tables without primary key or replica identity: setup does what {@code replicaIdentityFull} promises when the role
 * may, and a keyless table that an existing FOR ALL TABLES publication publishes is warned about when it appears
 * and does not stop a restart, and so is one that setup did not check (only the watch's first look sees it).
 * Its own cluster, because a FOR ALL TABLES publication makes UPDATE and DELETE fail on every keyless table.
 */
class KeylessTableTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void replicaIdentityFullFixesAKeylessTableTheRoleOwns() throws Exception {
        String slot = uniqueSlot("identity_full");
        String table = slot + "_h";
        pg().execute("CREATE TABLE " + table + " (name text, note text)", "INSERT INTO " + table + " VALUES ('a', 'x')");
        Received received = new Received();

        start(collecting(slot, "tables=public." + table + "&replicaIdentityFull=public." + table, received));
        awaitStreaming(slot);

        assertThat(pg().queryForObject("SELECT relreplident::text FROM pg_class WHERE relname = ?", String.class, table))
                .isEqualTo("f");
        pg().execute("UPDATE " + table + " SET note = 'y'");
        ChangeEvent update = received.await(1).get(0);
        assertThat(update.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(update.getBefore()).containsEntry("name", "a").containsEntry("note", "x");
    }

    @Test
    void aKeylessTableCreatedWhileAForAllTablesConsumerRunsDoesNotStopItsRestart() throws Exception {
        String slot = uniqueSlot("all_tables");
        String keyed = slot + "_keyed";
        String keyless = slot + "_keyless";
        pg().execute("CREATE TABLE " + keyed + " (id int PRIMARY KEY)", "CREATE PUBLICATION " + slot + " FOR ALL TABLES");
        Received received = new Received();
        String fix = "ALTER TABLE \"public\".\"" + keyless + "\" REPLICA IDENTITY FULL;";
        try (LogCapture logs = new LogCapture()) {
            CamelContext first = start(collecting(slot, "slotMonitorInterval=200", received));
            awaitStreaming(slot);
            pg().execute("CREATE TABLE " + keyless + " (payload text)", "INSERT INTO " + keyless + " VALUES ('kept')");
            // warned when it appears
            Await.until("the keyless table is reported", Duration.ofSeconds(20),
                    () -> consumer(first).getTablesWithoutReplicaIdentity().contains(TableName.of("public", keyless).toString()));
            assertThat(logs.text()).contains("WARN").contains(fix);
            first.stop();
        }

        try (LogCapture logs = new LogCapture()) {
            start(collecting(slot, "", received));
            // the restart goes on, saying what the stream misses and the fix
            assertThat(logs.text()).contains("only its inserts and truncates reach the stream").contains(fix);
        }
        pg().execute("INSERT INTO " + keyed + " VALUES (1)");

        received.awaitMatching("the keyless table's insert and the keyed one's", events -> events.stream()
                .map(ChangeEvent::getTable).toList().containsAll(List.of(keyless, keyed)));
    }

    @Test
    void aPublishedKeylessTableThatSetupDidNotWarnAboutIsWarnedAboutAtTheFirstLook() throws Exception {
        String slot = uniqueSlot("not_captured");
        String keyed = slot + "_keyed";
        String keyless = slot + "_keyless";
        pg().execute("CREATE TABLE " + keyed + " (id int PRIMARY KEY)", "CREATE TABLE " + keyless + " (payload text)",
                "CREATE PUBLICATION " + slot + " FOR ALL TABLES");
        String fix = "ALTER TABLE \"public\".\"" + keyless + "\" REPLICA IDENTITY FULL;";
        try (LogCapture logs = new LogCapture()) {
            // setup checks only the captured table; the publication still publishes the keyless one
            CamelContext context = start(collecting(slot, "tables=public." + keyed + "&slotMonitorInterval=200",
                    new Received()));
            Await.until("the keyless table is reported", Duration.ofSeconds(20),
                    () -> consumer(context).getTablesWithoutReplicaIdentity()
                            .contains(TableName.of("public", keyless).toString()));
            assertThat(logs.text()).contains("WARN").contains(fix);
        }
    }

    private RouteBuilder collecting(String slot, String options, Received received) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        };
    }
}
