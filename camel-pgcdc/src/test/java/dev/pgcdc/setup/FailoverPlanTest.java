package dev.pgcdc.setup;

import static dev.pgcdc.setup.FactsBuilder.ORDERS;
import static dev.pgcdc.setup.FactsBuilder.ownedTable;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.pgcdc.pg.SlotState;
import org.junit.jupiter.api.Test;

/** What setup says about slotFailover, on hand-written facts. */
class FailoverPlanTest {

    private static final FailoverFacts.Standby GUARDED = new FailoverFacts.Standby("standby1", "10.0.0.2", "standby1");

    private static SetupPlan plan(FactsBuilder facts) {
        return SetupPlanner.plan(facts.build(), SetupRequest.builder().slotName("slot").publicationName("pub")
                .tables(List.of(ORDERS)).slotFailover(true).build());
    }

    private static FactsBuilder pg18(FailoverFacts failover) {
        return new FactsBuilder().version(180001).table(ownedTable(ORDERS)).failover(failover);
    }

    @Test
    void beforePostgresql17TheOptionBlocksWithTheFix() {
        SetupPlan plan = plan(new FactsBuilder().version(160004).table(ownedTable(ORDERS)));

        assertThat(plan.blockers()).anySatisfy(blocker -> assertThat(blocker)
                .contains("slotFailover needs PostgreSQL 17", "PostgreSQL 16", "Remove slotFailover=true"));
    }

    @Test
    void aPrimaryWithAGuardedStandbyNeedsNothing() {
        SetupPlan plan = plan(pg18(new FailoverFacts("standby1", List.of(GUARDED))));

        assertThat(plan.warnings()).noneMatch(warning -> warning.contains("slotFailover"));
        assertThat(plan.blockers()).isEmpty();
    }

    @Test
    void aMissingSynchronizedStandbySlotsIsNamedWithTheStatementThatSetsIt() {
        FailoverFacts.Standby second = new FailoverFacts.Standby("standby2", "10.0.0.3", "standby2");
        SetupPlan plan = plan(pg18(new FailoverFacts("standby1", List.of(GUARDED, second))));

        assertThat(plan.warnings()).singleElement().asString().contains("does not name standby2",
                "ALTER SYSTEM SET synchronized_standby_slots = '\"standby1\", \"standby2\"'; SELECT pg_reload_conf();");
    }

    @Test
    void aStandbyWithoutPhysicalSlotAndAPrimaryWithoutStandbyAreWarnedAbout() {
        SetupPlan withoutSlot = plan(pg18(new FailoverFacts("",
                List.of(new FailoverFacts.Standby("walreceiver", "10.0.0.4", null)))));
        SetupPlan alone = plan(pg18(new FailoverFacts("", List.of())));

        assertThat(withoutSlot.warnings()).singleElement().asString().contains("without a physical slot",
                "pg_create_physical_replication_slot('walreceiver')", "primary_slot_name = 'walreceiver'");
        assertThat(alone.warnings()).singleElement().asString().contains("no physical standby streams");
    }

    @Test
    void aMissingSlotIsCreatedAsAFailoverSlot() {
        SetupPlan plan = plan(pg18(new FailoverFacts("standby1", List.of(GUARDED))));

        assertThat(plan.statementsFor(Actor.CONNECTOR)).extracting(PlannedStatement::sql).containsExactly(
                "CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\" WITH (publish_via_partition_root = true)",
                "SELECT pg_catalog.pg_create_logical_replication_slot('slot', 'pgoutput', failover => true)");
    }

    @Test
    void anExistingSlotWithoutFailoverIsAlteredByAReplicationCommandOfTheConnectorOrElseOfAnAdministrator() {
        FailoverFacts guarded = new FailoverFacts("standby1", List.of(GUARDED));
        SlotState withoutFailover = slot(false);
        SetupPlan byConnector = plan(pg18(guarded).slot(withoutFailover));
        SetupPlan byAdministrator = plan(pg18(guarded).slot(withoutFailover)
                .user(new UserFacts("cdc", false, false, true, false, false, false)));
        SetupPlan alreadyFailover = plan(pg18(guarded).slot(slot(true)));

        PlannedStatement alter = byConnector.statementsFor(Actor.CONNECTOR).stream()
                .filter(PlannedStatement::replicationCommand).findFirst().orElseThrow();
        assertThat(alter.sql()).isEqualTo("ALTER_REPLICATION_SLOT \"slot\" ( FAILOVER true )");
        assertThat(alter.replicationCommand()).isTrue();
        assertThat(alter.why()).contains("replication command", "replication=database");
        assertThat(byConnector.isReady()).isFalse();
        assertThat(byAdministrator.toSqlScript()).contains("""
                \\connect -reuse-previous=on 'dbname=app replication=database'
                ALTER_REPLICATION_SLOT "slot" ( FAILOVER true );
                \\connect -reuse-previous=on 'dbname=app replication=false'
                """);
        assertThat(alreadyFailover.statements()).noneMatch(PlannedStatement::replicationCommand);
    }

    private static SlotState slot(boolean failover) {
        return new SlotState("slot", "pgoutput", "logical", "app", false, null, 0, 0, 0, 0, "reserved", null, null,
                false, failover, false, null);
    }
}
