package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import static dev.pgcdc.setup.FactsBuilder.HEARTBEAT;
import static dev.pgcdc.setup.FactsBuilder.ORDERS;
import static dev.pgcdc.setup.FactsBuilder.foreignTable;
import static dev.pgcdc.setup.FactsBuilder.listPublication;
import static dev.pgcdc.setup.FactsBuilder.ownedTable;
import static dev.pgcdc.setup.FactsBuilder.slot;
import static dev.pgcdc.setup.FactsBuilder.syncUser;
import static dev.pgcdc.setup.FactsBuilder.withoutPrimaryKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Set;

import dev.pgcdc.PgCdcConfiguration;
import dev.pgcdc.PgCdcOptions;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.snapshot.SnapshotSetup;

import org.junit.jupiter.api.Test;

/** The planner's rules on hand-written facts; the server-backed tests check the facts and the SQL for real. */
class SetupPlannerTest {

    private static SetupPlan plan(FactsBuilder facts) {
        return SetupPlanner.plan(facts.build(), facts.request(ORDERS));
    }

    private static final String CREATE_SLOT =
            "SELECT pg_catalog.pg_create_logical_replication_slot('slot', 'pgoutput')";

    private static List<String> sql(List<PlannedStatement> statements) {
        return statements.stream().map(PlannedStatement::sql).toList();
    }

    @Test
    void superuserOnAFreshServerDoesEverythingItselfWithPartitionRoot() {
        SetupPlan plan = plan(new FactsBuilder().table(ownedTable(ORDERS)).missingHeartbeat(false));

        assertThat(plan.model()).isEqualTo(SetupModel.CONNECTOR_MANAGED);
        assertThat(sql(plan.statementsFor(Actor.CONNECTOR))).containsExactly(
                "CREATE TABLE \"public\".\"pgcdc_heartbeat\" (slot_name text PRIMARY KEY, beat timestamptz NOT NULL DEFAULT now())",
                "CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\", \"public\".\"pgcdc_heartbeat\""
                        + " WITH (publish_via_partition_root = true)", CREATE_SLOT);
        assertThat(plan.statementsFor(Actor.ADMINISTRATOR)).isEmpty();
        assertThat(plan.toSqlScript()).isEmpty();
        assertThat(plan.connectorCreatesSlot()).isTrue();
    }

    @Test
    void theConnectorsStatementsAreHeadedByWhatTheModeDoesWithThem() {
        SetupPlan plan = plan(new FactsBuilder().table(ownedTable(ORDERS)).missingHeartbeat(false));

        assertThat(plan.describe(SetupMode.VALIDATE)).contains("Missing (setupMode=validate changes nothing); pgcdc"
                + " runs these itself with setupMode=auto, or an administrator runs them:\n").contains(CREATE_SLOT)
                .doesNotContain("Nothing to do");
        assertThat(plan.describe()).contains("pgcdc runs these itself (setupMode=auto):\n");
        assertThat(plan.describe(SetupMode.AUTO)).contains("pgcdc runs these itself:\n");
    }

    @Test
    void publishViaPartitionRootOnlyFromPg13() {
        SetupPlan plan = plan(new FactsBuilder().version(120015).table(ownedTable(ORDERS)).slot(slot("pgoutput")));

        assertThat(sql(plan.statements())).containsExactly("CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\"");
    }

    @Test
    void tableOwnerWithCreateOnDatabaseIsConnectorManaged() {
        UserFacts owner = new UserFacts("cdc", false, true, true, true, false, false);
        SetupPlan plan = plan(new FactsBuilder().user(owner).table(ownedTable(ORDERS)).missingHeartbeat(true)
                .slot(slot("pgoutput")));

        assertThat(plan.model()).isEqualTo(SetupModel.CONNECTOR_MANAGED);
        assertThat(plan.statementsFor(Actor.ADMINISTRATOR)).isEmpty();
        assertThat(sql(plan.statementsFor(Actor.CONNECTOR))).hasSize(2).last().asString()
                .startsWith("CREATE PUBLICATION \"pub\" FOR TABLE");
    }

    @Test
    void syncUserLeavesPublicationAndHeartbeatToTheAdministratorWithGrants() {
        SetupPlan plan = plan(new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS)).missingHeartbeat(false));

        assertThat(plan.model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);
        assertThat(sql(plan.statementsFor(Actor.CONNECTOR))).containsExactly(CREATE_SLOT);
        assertThat(sql(plan.statements())).containsExactly(
                "CREATE TABLE \"public\".\"pgcdc_heartbeat\" (slot_name text PRIMARY KEY, beat timestamptz NOT NULL DEFAULT now())",
                "GRANT SELECT, INSERT, UPDATE ON \"public\".\"pgcdc_heartbeat\" TO \"cdc\"",
                "CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\", \"public\".\"pgcdc_heartbeat\""
                        + " WITH (publish_via_partition_root = true)", CREATE_SLOT);
        assertThat(plan.connectorCreatesSlot()).isTrue();
    }

    @Test
    void heartbeatCreatableByTheUserIsStillCreatedByTheAdministratorWhoPublishesIt() {
        SetupPlan plan = plan(new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS)).missingHeartbeat(true)
                .slot(slot("pgoutput")));

        assertThat(plan.statementsFor(Actor.CONNECTOR)).isEmpty();
        assertThat(plan.toSqlScript()).contains("CREATE TABLE \"public\".\"pgcdc_heartbeat\"", "GRANT SELECT, INSERT");
    }

    @Test
    void syncUserLeavesTheSnapshotTablesToTheAdministratorWithGrants() {
        PgCdcConfiguration configuration = new PgCdcConfiguration();
        configuration.setSlotName("slot");
        configuration.setDatabase("shop");
        configuration.setPublication("pub");
        List<ConnectorTable> snapshotTables = SnapshotSetup.tables(PgCdcOptions.of(configuration).snapshot(), true);
        FactsBuilder facts = new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS))
                .publication(listPublication(false, ORDERS)).slot(slot("pgoutput"));
        snapshotTables.forEach(table -> facts.connectorTable(table, TableFacts.missing(table.name(), true, false, true)));

        SetupPlan plan = plan(facts);

        assertThat(plan.model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);
        assertThat(plan.statementsFor(Actor.CONNECTOR)).isEmpty();
        assertThat(sql(plan.statements())).containsExactly(
                snapshotTables.get(0).ddl(),
                "GRANT SELECT, INSERT, DELETE ON \"public\".\"pgcdc_signal\" TO \"cdc\"",
                snapshotTables.get(1).ddl(),
                "GRANT SELECT, INSERT, UPDATE, DELETE ON \"public\".\"pgcdc_snapshot_state\" TO \"cdc\"",
                "ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"pgcdc_signal\"");
        assertThat(snapshotTables).extracting(ConnectorTable::ddl).allMatch(ddl -> ddl.startsWith("CREATE TABLE"));
    }

    @Test
    void snapshotTablesAlreadySetUpAddNothing() {
        PgCdcConfiguration configuration = new PgCdcConfiguration();
        configuration.setSlotName("slot");
        configuration.setDatabase("shop");
        configuration.setPublication("pub");
        List<ConnectorTable> snapshotTables = SnapshotSetup.tables(PgCdcOptions.of(configuration).snapshot(), true);
        FactsBuilder facts = new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS))
                .publication(listPublication(false, ORDERS, snapshotTables.get(0).name())).slot(slot("pgoutput"));
        // created by an administrator, who granted what the role needs
        snapshotTables.forEach(table -> facts.connectorTable(table,
                new TableFacts(table.name(), true, true, false, false, true, true, true, ReplicaIdentity.DEFAULT, true)));

        assertThat(plan(facts).statements()).isEmpty();
    }

    @Test
    void roleWithoutReplicationGetsTheAttributeAndTheSlotSql() {
        UserFacts user = new UserFacts("cdc", false, false, true, false, false, false);
        SetupPlan plan = plan(new FactsBuilder().user(user).table(foreignTable(ORDERS))
                .heartbeat(ownedTable(HEARTBEAT)).publication(listPublication(false, ORDERS, HEARTBEAT)));

        assertThat(sql(plan.statements())).containsExactly("ALTER ROLE \"cdc\" REPLICATION", CREATE_SLOT);
        assertThat(plan.connectorCreatesSlot()).isFalse();
        assertThat(plan.model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);
    }

    @Test
    void rdsServersGrantRdsReplicationInstead() {
        UserFacts user = new UserFacts("cdc", false, false, true, false, true, false);
        SetupPlan plan = plan(new FactsBuilder().user(user).table(foreignTable(ORDERS))
                .publication(listPublication(false, ORDERS)).slot(slot("pgoutput")));

        assertThat(sql(plan.statements())).containsExactly("GRANT rds_replication TO \"cdc\"");
    }

    @Test
    void rdsReplicationMemberNeedsNoGrant() {
        UserFacts user = new UserFacts("cdc", false, false, true, false, true, true);
        SetupPlan plan = plan(new FactsBuilder().user(user).table(foreignTable(ORDERS))
                .publication(listPublication(false, ORDERS)));

        assertThat(plan.isReady()).isTrue();
        assertThat(plan.connectorCreatesSlot()).isTrue();
    }

    @Test
    void fullySetUpServerGivesAnEmptyPlan() {
        SetupPlan plan = plan(new FactsBuilder().table(ownedTable(ORDERS)).heartbeat(ownedTable(HEARTBEAT))
                .publication(listPublication(true, ORDERS, HEARTBEAT)).slot(slot("pgoutput")));

        assertThat(plan.isReady()).isTrue();
        assertThat(plan.toSqlScript()).isEmpty();
        assertThat(plan.connectorCreatesSlot()).isFalse();
        assertThat(plan.describe()).contains("Nothing to do");
    }

    @Test
    void existingPublicationOnlyGainsMissingTablesAndOnlyFromItsOwner() {
        TableName invoices = TableName.of("public", "invoices");
        SetupPlan owned = plan(new FactsBuilder().table(ownedTable(ORDERS)).heartbeat(ownedTable(HEARTBEAT))
                .publication(listPublication(true, HEARTBEAT, invoices)).slot(slot("pgoutput")));
        assertThat(owned.statements()).containsExactly(PlannedStatement.byConnector(
                "ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"orders\"",
                "Publication pub does not publish \"public\".\"orders\", so its changes would never arrive."));

        SetupPlan foreign = plan(new FactsBuilder().user(syncUser()).table(ownedTable(ORDERS))
                .heartbeat(ownedTable(HEARTBEAT)).publication(listPublication(false, HEARTBEAT, invoices)));
        assertThat(foreign.statementsFor(Actor.ADMINISTRATOR)).extracting(PlannedStatement::sql)
                .containsExactly("ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"orders\"");
    }

    @Test
    void allTablesAndSchemaPublicationsCoverWhatTheyInclude() {
        PublicationFacts allTables = new PublicationFacts("pub", false, true, Set.of(), Set.of(), Set.of(), true,
                PublicationFacts.ALL_OPERATIONS, null);
        PublicationFacts inSchema = new PublicationFacts("pub", false, false, Set.of("public"), Set.of(), Set.of(),
                true, PublicationFacts.ALL_OPERATIONS, null);
        for (PublicationFacts publication : List.of(allTables, inSchema)) {
            SetupPlan plan = plan(new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS))
                    .missingHeartbeat(true).publication(publication).slot(slot("pgoutput")));
            assertThat(plan.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                    tuple("CREATE TABLE \"public\".\"pgcdc_heartbeat\" (slot_name text PRIMARY"
                            + " KEY, beat timestamptz NOT NULL DEFAULT now())", Actor.CONNECTOR));
        }
    }

    @Test
    void noTablesSelectedMeansForAllTablesWhichNeedsASuperuser() {
        SetupRequest everything = SetupRequest.builder().slotName("slot").publicationName("pub").build();
        ServerFacts facts = new FactsBuilder().table(ownedTable(ORDERS)).slot(slot("pgoutput")).build();

        assertThat(SetupPlanner.plan(facts, everything).statements()).containsExactly(PlannedStatement.byConnector(
                "CREATE PUBLICATION \"pub\" FOR ALL TABLES WITH (publish_via_partition_root = true)",
                "Publication pub does not exist; pgoutput streams only what it publishes."));
        ServerFacts asOwner = new FactsBuilder().user(new UserFacts("cdc", false, true, true, true, false, false))
                .table(ownedTable(ORDERS)).build();
        assertThat(SetupPlanner.plan(asOwner, everything).statementsFor(Actor.ADMINISTRATOR)).hasSize(1);
    }

    @Test
    void tableWithoutPrimaryKeyIsFixedAndPublishedByTheAdministratorFirst() {
        SetupPlan plan = plan(new FactsBuilder().table(withoutPrimaryKey(ownedTable(ORDERS))).slot(slot("pgoutput")));

        assertThat(plan.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                tuple("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL",
                        Actor.ADMINISTRATOR),
                tuple("CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\""
                        + " WITH (publish_via_partition_root = true)", Actor.ADMINISTRATOR));
        assertThat(plan.statements().get(0).why()).contains("rejects every UPDATE and DELETE");
    }

    @Test
    void replicaIdentityFullOnAKeylessTableTheRoleOwnsIsTheConnectorsToRun() {
        FactsBuilder facts = new FactsBuilder().table(withoutPrimaryKey(ownedTable(ORDERS))).slot(slot("pgoutput"));
        SetupRequest request = SetupRequest.builder().slotName("slot").publicationName("pub").tables(List.of(ORDERS))
                .replicaIdentityFull(List.of(ORDERS)).build();

        SetupPlan plan = SetupPlanner.plan(facts.build(), request);

        assertThat(plan.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                tuple("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL", Actor.CONNECTOR),
                tuple("CREATE PUBLICATION \"pub\" FOR TABLE \"public\".\"orders\""
                        + " WITH (publish_via_partition_root = true)", Actor.CONNECTOR));
    }

    @Test
    void replicaIdentityFullOnATableWithAKeyIsAPlannedStepOfWhoeverMayAlterIt() {
        SetupRequest request = SetupRequest.builder().slotName("slot").publicationName("pub").tables(List.of(ORDERS))
                .replicaIdentityFull(List.of(ORDERS)).build();

        SetupPlan owned = SetupPlanner.plan(new FactsBuilder().table(ownedTable(ORDERS)).build(), request);
        SetupPlan foreign = SetupPlanner.plan(new FactsBuilder().user(syncUser()).table(foreignTable(ORDERS))
                .publication(listPublication(false, ORDERS)).slot(slot("pgoutput")).build(), request);

        assertThat(owned.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).contains(
                tuple("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL", Actor.CONNECTOR));
        assertThat(foreign.isReady()).isFalse();
        assertThat(foreign.statementsFor(Actor.ADMINISTRATOR)).extracting(PlannedStatement::sql)
                .containsExactly("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL");
    }

    @Test
    void replicaIdentityFullNamingATableThatIsNotCapturedIsABlocker() {
        SetupRequest request = SetupRequest.builder().slotName("slot").publicationName("pub").tables(List.of(ORDERS))
                .replicaIdentityFull(List.of(TableName.of("public", "ordres"))).build();

        SetupPlan plan = SetupPlanner.plan(new FactsBuilder().table(ownedTable(ORDERS)).build(), request);

        assertThat(plan.blockers()).singleElement().asString()
                .contains("replicaIdentityFull names \"public\".\"ordres\", which is not a captured table");
    }

    @Test
    void replicaIdentityFullOnAKeylessTableOfAnotherOwnerIsTheAdministratorsToRun() {
        FactsBuilder facts = new FactsBuilder().user(syncUser()).table(withoutPrimaryKey(foreignTable(ORDERS)));
        SetupRequest request = SetupRequest.builder().slotName("slot").publicationName("pub").tables(List.of(ORDERS))
                .replicaIdentityFull(List.of(ORDERS)).build();

        SetupPlan plan = SetupPlanner.plan(facts.build(), request);

        assertThat(plan.statementsFor(Actor.ADMINISTRATOR)).extracting(PlannedStatement::sql)
                .contains("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL");
    }

    @Test
    void aKeylessTableThePublicationAlreadyPublishesIsAWarningNotAStatement() {
        SetupPlan plan = plan(new FactsBuilder().table(withoutPrimaryKey(foreignTable(ORDERS)))
                .publication(listPublication(false, ORDERS)).slot(slot("pgoutput")));

        assertThat(plan.isReady()).isTrue();
        assertThat(plan.warnings()).anySatisfy(warning -> assertThat(warning)
                .contains("only its inserts and truncates reach the stream")
                .contains("ALTER TABLE \"public\".\"orders\" REPLICA IDENTITY FULL;"));
    }

    @Test
    void tableWithoutSelectGetsAGrant() {
        TableFacts unreadable = new TableFacts(ORDERS, true, true, false, false, false, false, true,
                ReplicaIdentity.DEFAULT, true);
        SetupPlan plan = plan(new FactsBuilder().user(syncUser()).table(unreadable)
                .publication(listPublication(false, ORDERS)).slot(slot("pgoutput")));

        assertThat(sql(plan.statements())).containsExactly("GRANT SELECT ON \"public\".\"orders\" TO \"cdc\"");
    }

    @Test
    void eachPreflightFailureNamesItsFix() {
        assertThat(plan(new FactsBuilder().walLevel("replica")).blockers()).singleElement().asString()
                .contains("ALTER SYSTEM SET wal_level = logical;", "restart");
        assertThat(plan(new FactsBuilder().standby()).blockers()).singleElement().asString()
                .contains("standby", "primary");
        assertThat(plan(new FactsBuilder().slots(5, 5)).blockers()).singleElement().asString()
                .contains("No free replication slot", "max_replication_slots = 6");
        assertThat(plan(new FactsBuilder().slot(slot("wal2json"))).blockers()).singleElement().asString()
                .contains("'wal2json'", "pg_drop_replication_slot('slot')");
        SlotState lost = slot("pgoutput", "lost");
        assertThat(plan(new FactsBuilder().slot(lost)).blockers()).singleElement().asString()
                .contains(lost.lostMessage(), "max_slot_wal_keep_size");
        assertThat(plan(new FactsBuilder().table(TableFacts.missing(ORDERS, true, true, true))).blockers())
                .singleElement().asString().contains("\"public\".\"orders\" does not exist");
    }

    @Test
    void existingSlotWithFullReservesNoFreeSlot() {
        SetupPlan plan = plan(new FactsBuilder().slots(5, 5).slot(slot("pgoutput")).table(ownedTable(ORDERS)));

        assertThat(plan.blockers()).isEmpty();
    }

    @Test
    void scriptCommentsCannotBeEndedByANameWithALineBreak() {
        TableName evil = TableName.of("public", "x\nDROP TABLE victim; --");
        ServerFacts facts = new FactsBuilder().user(syncUser()).table(withoutPrimaryKey(foreignTable(evil))).build();
        SetupRequest request = SetupRequest.builder().slotName("slot").publicationName("pub")
                .tables(List.of(evil)).build();

        String script = SetupPlanner.plan(facts, request).toSqlScript();

        // the name appears in a comment (the why) and in statements; only inside quotes may the DROP start a line
        assertThat(script).contains("-- Table \"public\".\"x\n-- DROP TABLE victim; --\" has no primary key")
                .contains("ALTER TABLE \"public\".\"x\nDROP TABLE victim; --\" REPLICA IDENTITY FULL;");
    }

    private static final SetupRequest WAL2JSON = SetupRequest.builder().slotName("slot").plugin("wal2json")
            .tables(List.of(ORDERS)).build();

    @Test
    void wal2jsonNeedsNoPublicationButAnInstalledPlugin() {
        SetupPlan ready = SetupPlanner.plan(new FactsBuilder().table(ownedTable(ORDERS)).build(), WAL2JSON);
        assertThat(ready.isReady()).isTrue();
        assertThat(sql(ready.statements()))
                .containsExactly("SELECT pg_catalog.pg_create_logical_replication_slot('slot', 'wal2json')");
        assertThat(ready.connectorCreatesSlot()).isTrue();

        SetupPlan missing = SetupPlanner.plan(new FactsBuilder().table(ownedTable(ORDERS))
                .plugin(PluginAvailability.NOT_INSTALLED, null).build(), WAL2JSON);
        assertThat(missing.blockers()).singleElement().asString()
                .startsWith("The output plugin wal2json is not installed on the server: PostgreSQL 16 cannot load it.")
                .contains("apt-get install postgresql-16-wal2json", "dnf install wal2json_16", "no restart is needed");
    }

    @Test
    void wal2jsonOutsideOutputPluginLibrariesGetsTheAlterSystemThatAllowsIt() {
        SetupPlan plan = SetupPlanner.plan(new FactsBuilder().table(ownedTable(ORDERS))
                .plugin(PluginAvailability.NOT_ALLOWED, List.of("pgoutput", "test_decoding")).build(), WAL2JSON);

        assertThat(plan.blockers()).singleElement().asString().endsWith("ALTER SYSTEM SET output_plugin_libraries ="
                + " 'pgoutput', 'test_decoding', 'wal2json'; SELECT pg_reload_conf();");
    }

    @Test
    void outputPluginLibrariesIsReadAsTheListSettingItIs() {
        assertThat(SetupInspector.allowedPlugins(null)).isNull();
        assertThat(SetupInspector.allowedPlugins("")).isEmpty();
        assertThat(SetupInspector.allowedPlugins("pgoutput, test_decoding"))
                .containsExactly("pgoutput", "test_decoding");
        // set as one literal 'a, b', it is one element, which the server shows quoted
        assertThat(SetupInspector.allowedPlugins("\"pgoutput, wal2json\", \"say \"\"hi\"\"\""))
                .containsExactly("pgoutput, wal2json", "say \"hi\"");
    }
}
