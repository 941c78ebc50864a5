package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import dev.pgcdc.setup.PlannedStatement;
import dev.pgcdc.setup.SetupFailedException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** The consumer's setupMode end to end: a least-privileged user gets the SQL, an administrator runs it, it streams. */
class SetupModesTest extends DefaultClusterTest {

    @Test
    void aSyncUserIsHandedTheMissingSqlAndStreamsOnceAnAdministratorRanIt() throws Exception {
        String slot = uniqueSlot("customer_managed");
        String user = slot + "_user";
        String table = "\"Order " + slot + "\"";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
                "INSERT INTO " + table + " VALUES (1, 'before')",
                "CREATE ROLE " + user + " LOGIN", "GRANT SELECT ON " + table + " TO " + user);
        // the snapshot's signal and state tables are the slot's own, so that tests do not share them
        String options = "setupMode=VALIDATE&snapshotMode=initial&heartbeatInterval=0&tables=" + table
                + "&signalTable=public." + slot + "_signal&snapshotStateTable=public." + slot + "_state";
        RouteBuilder route = new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options).replace("user=" + pg().superuser(), "user=" + user)).to("log:never");
            }
        };
        SetupFailedException failure;
        try {
            start(route);
            throw new AssertionError("start should fail: the user may not replicate nor create the publication");
        } catch (Exception e) {
            failure = setupFailure(e);
        }
        String script = failure.plan().toSqlScript();
        assertThat(failure.getMessage()).contains(script);
        assertThat(script).contains("ALTER ROLE \"" + user + "\" REPLICATION")
                .contains("CREATE PUBLICATION \"" + slot + "\" FOR TABLE \"public\".\"Order " + slot + "\"")
                .contains("CREATE TABLE IF NOT EXISTS \"public\".\"" + slot + "_signal\"",
                        "CREATE TABLE IF NOT EXISTS \"public\".\"" + slot + "_state\"")
                .doesNotContain("password");
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
        contexts.clear();

        // the administrator runs exactly the script printed, as superuser; validate mode then changes nothing
        runWithPsqlAsSuperuser(script);
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options).replace("user=" + pg().superuser(), "user=" + user))
                        .process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        // the insert after the snapshot's read, or the snapshot may read the new row too (correct, but not exact)
        assertThat(received.await(1)).extracting(ChangeEvent::getOp).containsExactly(Operation.READ);
        pg().execute("INSERT INTO " + table + " VALUES (2, 'after')");
        List<ChangeEvent> events = received.await(2);
        assertThat(events).extracting(ChangeEvent::getOp, ChangeEvent::getTable).containsExactly(
                tuple(Operation.READ, "Order " + slot), tuple(Operation.INSERT, "Order " + slot));
    }

    @Test
    void validateModeCreatesNoMissingSlotButNamesTheStatementThatDoes() throws Exception {
        String slot = uniqueSlot("validate_slot");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        RouteBuilder auto = route(slot, "tables=" + table);
        start(auto);
        awaitStreaming(slot);
        stopContexts();
        // all set up but the slot
        Await.until("slot dropped", Duration.ofSeconds(30), () -> dropInactiveSlot(slot));

        Throwable thrown = catchThrowable(() -> start(route(slot, "setupMode=VALIDATE&tables=" + table)));

        String create = "SELECT pg_catalog.pg_create_logical_replication_slot('" + slot + "', 'pgoutput')";
        SetupFailedException failure = setupFailure(thrown);
        assertThat(failure.plan().statements()).extracting(PlannedStatement::sql).containsExactly(create);
        assertThat(failure.getMessage()).contains("Missing (setupMode=validate changes nothing)", create + ";");
        assertThat(pg().replicationSlots()).noneMatch(s -> s.slotName().equals(slot));
    }

    @Test
    void aRestartAfterACapturedTableWasDroppedStartsAndDeliversTheChangeTheSlotStillHolds() throws Exception {
        String slot = uniqueSlot("dropped_table");
        String kept = slot + "_kept";
        String dropped = slot + "_gone";
        pg().execute("CREATE TABLE " + kept + " (id int PRIMARY KEY)", "CREATE TABLE " + dropped + " (id int PRIMARY KEY)");
        String options = "snapshotMode=never&heartbeatInterval=0&tables=public." + kept + ",public." + dropped;
        start(route(slot, options));
        awaitStreaming(slot);
        stopContexts();
        pg().execute("INSERT INTO " + dropped + " VALUES (1)", "DROP TABLE " + dropped);

        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });

        assertThat(received.await(1)).extracting(ChangeEvent::getOp, ChangeEvent::getTable)
                .containsExactly(tuple(Operation.INSERT, dropped));
    }

    private RouteBuilder route(String slot, String options) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, options)).to("log:never");
            }
        };
    }

    /** False while the stopped consumer's walsender still holds the slot. */
    private boolean dropInactiveSlot(String slot) {
        try {
            pg().execute("SELECT pg_drop_replication_slot('" + slot + "')");
            return true;
        } catch (RuntimeException slotStillActive) {
            return false;
        }
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
    void aPlanModeDryRunKeepsAnExistingSlotEvenWithDropSlotOnStop() throws Exception {
        String slot = uniqueSlot("plan_keep");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        pg().execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "setupMode=PLAN&dropSlotOnStop=true&tables=" + table)).to("log:never");
            }
        });
        assertThat(consumer(context).plannedSetup()).isPresent();
        context.stop();
        assertThat(pg().replicationSlots()).anyMatch(s -> s.slotName().equals(slot));
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
