package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer's setupMode end to end: a least-privileged user gets the SQL, an administrator runs it, it streams. */
class SetupModesTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void aSyncUserIsHandedTheMissingSqlAndStreamsOnceAnAdministratorRanIt() throws Exception {
        String slot = uniqueSlot("customer_managed");
        String user = slot + "_user";
        String table = "\"Order " + slot + "\"";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
                "CREATE ROLE " + user + " LOGIN", "GRANT SELECT ON " + table + " TO " + user);
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "setupMode=VALIDATE&heartbeatInterval=0&snapshotMode=never&tables=" + table).replace(
                        "user=" + pg().superuser(), "user=" + user)).to("log:never");
            }
        };
        String script;
        try {
            start(route);
            throw new AssertionError("start should fail: the user may not replicate nor create the publication");
        } catch (Exception e) {
            String message = rootMessage(e);
            assertThat(message).contains("ALTER ROLE \"" + user + "\" REPLICATION")
                    .contains("CREATE PUBLICATION \"" + slot + "\" FOR TABLE \"public\".\"Order " + slot + "\"");
            script = message;
        }
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        contexts.clear();

        // the administrator runs exactly the statements printed, as superuser
        pg().execute("ALTER ROLE \"" + user + "\" REPLICATION",
                "CREATE PUBLICATION \"" + slot + "\" FOR TABLE " + "\"public\"." + table);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "setupMode=VALIDATE&heartbeatInterval=0&snapshotMode=never&tables=" + table).replace(
                        "user=" + pg().superuser(), "user=" + user))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'x')");
        List<ChangeEvent> events = received.await(1);
        assertThat(events.get(0).getTable()).isEqualTo("Order " + slot);
        assertThat(script).doesNotContain("password");
    }

    @Test
    void planModeChangesNothingAndDoesNotStream() throws Exception {
        String slot = uniqueSlot("plan_only");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "setupMode=PLAN&tables=" + table)).to("log:never");
            }
        });
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        assertThat(pg().queryForObject("SELECT count(*)::int FROM pg_publication WHERE pubname = ?", Integer.class, slot))
                .isZero();
        assertThat(consumer(contexts.get(0)).getPhase()).isEqualTo("STARTING");
    }

    @Test
    void autoModeCreatesPublicationAndSlotOnceAndASecondStartCreatesNothing() throws Exception {
        String slot = uniqueSlot("auto");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).to("log:never");
            }
        };
        start(route);
        awaitStreaming(slot);
        stopContexts();
        long publications = pg().queryForObject("SELECT count(*) FROM pg_publication_rel", Long.class);
        start(route);
        awaitStreaming(slot);
        assertThat(pg().queryForObject("SELECT count(*) FROM pg_publication_rel", Long.class)).isEqualTo(publications);
        assertThat(pg().replicationSlots()).filteredOn(s -> s.slotName().equals(slot)).hasSize(1);
    }
}
