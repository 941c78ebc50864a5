package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.pg.ReplicationSlot;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.pg.Identifiers;

/**
 * Setup against a real server, one database and its own roles per test: the privilege models, pre-existing
 * publications of each form, partial states, and names that need quoting.
 */
class SetupServerTest {

    private static final TableName ORDERS = TableName.of("public", "orders");
    private static final TableName INVOICES = TableName.of("public", "invoices");
    private static final TableName HEARTBEAT = TableName.of("public", "pgcdc_heartbeat");
    private static final String HEARTBEAT_DDL = "CREATE TABLE \"public\".\"pgcdc_heartbeat\""
            + " (slot_name text PRIMARY KEY, beat timestamptz NOT NULL DEFAULT now())";

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static PostgresServer server;

    @BeforeAll
    static void server() {
        server = PG.server();
    }

    private static SetupRequest request(TestDatabase db, TableName heartbeat, TableName... tables) {
        return SetupRequest.builder().slotName(db.slot()).publicationName("pub").tables(List.of(tables))
                .connectorTables(heartbeat == null ? List.of() : List.of(ConnectorTable.heartbeat(heartbeat))).build();
    }

    private static void createTable(TestDatabase db, TableName table, String owner) {
        db.asSuperuser("CREATE TABLE " + table.quoted() + " (id int PRIMARY KEY, note text);"
                + "ALTER TABLE " + table.quoted() + " OWNER TO " + Identifiers.quote(owner));
    }

    private static String createSlot(TestDatabase db) {
        return "SELECT pg_catalog.pg_create_logical_replication_slot('" + db.slot() + "', 'pgoutput')";
    }

    private static List<String> sql(List<PlannedStatement> statements) {
        return statements.stream().map(PlannedStatement::sql).toList();
    }

    private static String createPublication(String tables) {
        return "CREATE PUBLICATION \"pub\" FOR TABLE " + tables
                + (server.major() >= 13 ? " WITH (publish_via_partition_root = true)" : "");
    }

    @Test
    void superuserSetsUpEverythingItselfAndASecondStartDoesNothing() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            Connection connection = db.connectAs(server.superuser());
            SetupRequest request = request(db, HEARTBEAT, ORDERS);

            SetupOutcome first = Setup.run(connection, request, SetupMode.AUTO);
            assertThat(sql(first.applied())).containsExactly(HEARTBEAT_DDL,
                    createPublication("\"public\".\"orders\", \"public\".\"pgcdc_heartbeat\""));
            assertThat(first.plan().model()).isEqualTo(SetupModel.CONNECTOR_MANAGED);
            assertThat(first.plan().toSqlScript()).isEmpty();
            assertThat(first.plan().connectorCreatesSlot()).isTrue();
            db.createSlotOverReplicationConnection(server.superuser());

            SetupOutcome second = Setup.run(connection, request, SetupMode.AUTO);
            assertThat(second.applied()).isEmpty();
            assertThat(second.plan().statements()).isEmpty();
            assertThat(second.plan().toSqlScript()).isEmpty();
            assertThat(second.plan().connectorCreatesSlot()).isFalse();
            assertThat(second.plan().existingSlot()).get().extracting(SlotState::plugin).isEqualTo("pgoutput");
            PublicationFacts publication = second.plan().facts().publication();
            assertThat(publication.publishedTables()).containsExactlyInAnyOrder(ORDERS, HEARTBEAT);
            assertThat(publication.viaRoot()).isEqualTo(server.major() >= 13 ? Boolean.TRUE : null);
        }
    }

    @Test
    void onlyTheInstanceThatCreatesTheSlotIsToldItIsNewAndACrashBeforeTheCreationTellsTheNextStartAgain()
            throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            // all but the slot in place: setup applies nothing, so its plan still has the connector create the slot
            db.asSuperuser(HEARTBEAT_DDL + "; CREATE PUBLICATION pub FOR TABLE orders, pgcdc_heartbeat");
            Connection connection = db.connectAs(server.superuser());
            SetupRequest request = request(db, HEARTBEAT, ORDERS);
            AtomicInteger toldNew = new AtomicInteger();
            // the change model check runs after setup inspected the server (no slot) and before it creates the slot:
            // another instance creating it right then is the race of two instances starting at once
            AtomicInteger otherInstanceCreations = new AtomicInteger();
            ChangeModelPreflight otherCreatesTheSlotMeanwhile = new ChangeModelPreflight(connection, "pub", false,
                    false, (schema, table, column) -> {
                        if (otherInstanceCreations.getAndIncrement() == 0) {
                            try {
                                db.createSlotOverReplicationConnection(server.superuser());
                            } catch (SQLException e) {
                                throw new AssertionError(e);
                            }
                        }
                        return true;
                    }, null);

            SetupServers servers = new SetupServers(db.connector(server.superuser()), db.connector(server.superuser()));
            assertThat(Setup.prepare(connection, servers, request, SetupMode.AUTO, otherCreatesTheSlotMeanwhile,
                    toldNew::incrementAndGet, () -> false).connectorCreatesSlot()).isTrue();
            assertThat(otherInstanceCreations).hasPositiveValue();
            assertThat(toldNew).hasValue(0);

            server.execute("SELECT pg_drop_replication_slot(" + Identifiers.quoteLiteral(db.slot()) + ")");
            ChangeModelPreflight alone = new ChangeModelPreflight(connection, "pub", false, false,
                    (schema, table, column) -> true, null);
            assertThatThrownBy(() -> Setup.prepare(connection, servers, request, SetupMode.AUTO, alone, () -> {
                throw new SQLException("crashed before creating the slot");
            }, () -> false)).hasMessageContaining("crashed");
            assertThat(server.queryForObject("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?",
                    Long.class, db.slot())).isZero();
            Setup.prepare(connection, servers, request, SetupMode.AUTO, alone, toldNew::incrementAndGet, () -> false);
            assertThat(toldNew).hasValue(1);
        }
    }

    @Test
    void twoInstancesSettingUpAtTheSameMomentBothSucceedAndEachObjectIsCreatedOnce() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            SetupRequest request = request(db, HEARTBEAT, ORDERS);
            // Holding the captured table makes both instances inspect an empty server and then wait inside their
            // setup transactions (one for the table lock, the other for the first one's heartbeat table): a race
            Connection holder = db.connectAs(server.superuser());
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.execute("LOCK TABLE " + ORDERS.quoted() + " IN ACCESS EXCLUSIVE MODE");
            }
            ExecutorService instances = Executors.newFixedThreadPool(2);
            try {
                List<Future<SetupOutcome>> outcomes = Stream.of(db.connectAs(server.superuser()),
                        db.connectAs(server.superuser())).map(connection -> instances.submit(
                        () -> Setup.run(connection, request, SetupMode.AUTO))).toList();
                Await.until("both setups waiting for a lock", Duration.ofSeconds(30), () -> server.queryForObject(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'",
                        Long.class, db.name()) == 2);
                holder.commit();

                List<String> applied = new ArrayList<>();
                for (Future<SetupOutcome> outcome : outcomes) {
                    SetupOutcome done = outcome.get(30, TimeUnit.SECONDS);
                    assertThat(done.plan().isReady()).isTrue();
                    applied.addAll(sql(done.applied()));
                }
                assertThat(applied).containsExactly(HEARTBEAT_DDL,
                        createPublication("\"public\".\"orders\", \"public\".\"pgcdc_heartbeat\""));
            } finally {
                instances.shutdownNow();
            }
        }
    }

    @Test
    void tableOwnerWithCreateIsConnectorManagedWithAListPublication() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON DATABASE " + db.name() + " TO " + owner + ";"
                    + "GRANT CREATE ON SCHEMA public TO " + owner);
            createTable(db, ORDERS, owner);

            SetupOutcome outcome = Setup.run(db.connectAs(owner), request(db, HEARTBEAT, ORDERS), SetupMode.AUTO);

            assertThat(outcome.plan().model()).isEqualTo(SetupModel.CONNECTOR_MANAGED);
            assertThat(outcome.applied()).extracting(PlannedStatement::actor).containsOnly(Actor.CONNECTOR);
            assertThat(outcome.plan().facts().publication().form()).isEqualTo(PublicationForm.TABLE_LIST);
            assertThat(outcome.plan().facts().publication().owned()).isTrue();
        }
    }

    @Test
    void syncUserGetsExactlyTheMissingSqlAndStreamsOnceAnAdministratorRanIt() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "NOLOGIN");
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            createTable(db, ORDERS, owner);
            db.asSuperuser("GRANT SELECT ON " + ORDERS.quoted() + " TO " + sync);
            Connection connection = db.connectAs(sync);
            SetupRequest request = request(db, HEARTBEAT, ORDERS);

            SetupPlan plan = Setup.plan(connection, request);
            assertThat(plan.model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);
            assertThat(sql(plan.statementsFor(Actor.CONNECTOR))).containsExactly(createSlot(db));
            assertThat(sql(plan.statements())).containsExactly(HEARTBEAT_DDL,
                    "GRANT SELECT, INSERT, UPDATE ON \"public\".\"pgcdc_heartbeat\" TO \"" + sync + "\"",
                    createPublication("\"public\".\"orders\", \"public\".\"pgcdc_heartbeat\""), createSlot(db));
            assertThatThrownBy(() -> Setup.run(connection, request, SetupMode.VALIDATE))
                    .isInstanceOf(SetupFailedException.class).hasMessageContaining(plan.toSqlScript());
            assertThatThrownBy(() -> Setup.run(connection, request, SetupMode.AUTO))
                    .isInstanceOf(SetupFailedException.class);

            db.runScriptWithPsql(plan.toSqlScript());
            db.createSlotOverReplicationConnection(sync);

            SetupOutcome validated = Setup.run(connection, request, SetupMode.VALIDATE);
            assertThat(validated.plan().isSetUp()).isTrue();
            db.asSuperuser("INSERT INTO " + ORDERS.quoted() + " VALUES (1, 'new')");
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO " + HEARTBEAT.quoted() + " (slot_name) VALUES ('x')"
                        + " ON CONFLICT (slot_name) DO UPDATE SET beat = now()");
            }
            assertThat(PgoutputPeek.changes(connection, db.slot(), "pub"))
                    .containsExactly("public.orders:I", "public.pgcdc_heartbeat:I");
        }
    }

    @Test
    void existingListPublicationGainsOnlyTheMissingTableAndKeepsTheRest() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON DATABASE " + db.name() + " TO " + owner);
            TableName extra = TableName.of("public", "extra");
            for (TableName table : List.of(ORDERS, INVOICES, extra)) {
                createTable(db, table, owner);
            }
            Connection connection = db.connectAs(owner);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE PUBLICATION pub FOR TABLE orders, extra");
            }

            SetupOutcome outcome = Setup.run(connection, request(db, null, ORDERS, INVOICES), SetupMode.AUTO);

            assertThat(outcome.applied()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                    tuple("ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"invoices\"",
                            Actor.CONNECTOR));
            assertThat(outcome.plan().facts().publication().form()).isEqualTo(PublicationForm.TABLE_LIST);
            assertThat(outcome.plan().facts().publication().publishedTables())
                    .containsExactlyInAnyOrder(ORDERS, INVOICES, extra);
        }
    }

    @Test
    void aPublicationTheUserNamedIsNeverChangedByPgcdcButItsAlterIsPlannedWithAWarning() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON DATABASE " + db.name() + " TO " + owner);
            TableName extra = TableName.of("public", "extra");
            for (TableName table : List.of(ORDERS, INVOICES, extra)) {
                createTable(db, table, owner);
            }
            Connection connection = db.connectAs(owner);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE PUBLICATION pub FOR TABLE orders, extra");
            }
            SetupRequest request = SetupRequest.builder().slotName(db.slot()).publicationName("pub")
                    .publicationGiven(true).tables(List.of(ORDERS, INVOICES)).build();

            assertThatThrownBy(() -> Setup.run(connection, request, SetupMode.AUTO))
                    .isInstanceOf(SetupFailedException.class)
                    .hasMessageContaining("ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"invoices\";")
                    .hasMessageContaining("Publication pub also publishes \"public\".\"extra\", which pgcdc does"
                            + " not capture");
            SetupPlan plan = Setup.plan(connection, request);
            assertThat(plan.facts().publication().publishedTables()).containsExactlyInAnyOrder(ORDERS, extra);
            assertThat(plan.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                    tuple("ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"invoices\"", Actor.ADMINISTRATOR),
                    tuple(createSlot(db), Actor.CONNECTOR));
            assertThat(plan.model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);

            db.runScriptWithPsql(plan.toSqlScript());
            assertThat(Setup.run(connection, request, SetupMode.AUTO).plan().isReady()).isTrue();
        }
    }

    @Test
    void aNamedPublicationPgcdcCreatedIsItsOwnSoANewlyConfiguredTableAndTheHeartbeatAreAddedInAuto() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON DATABASE " + db.name() + " TO " + owner + "; GRANT CREATE ON SCHEMA public TO "
                    + owner);
            for (TableName table : List.of(ORDERS, INVOICES)) {
                createTable(db, table, owner);
            }
            Connection connection = db.connectAs(owner);
            Setup.run(connection, SetupRequest.builder().slotName(db.slot()).publicationName("customers")
                    .publicationGiven(true).tables(List.of(ORDERS)).build(), SetupMode.AUTO);
            SetupRequest widened = SetupRequest.builder().slotName(db.slot()).publicationName("customers")
                    .publicationGiven(true).tables(List.of(ORDERS, INVOICES))
                    .connectorTables(List.of(ConnectorTable.heartbeat(HEARTBEAT))).build();

            SetupOutcome outcome = Setup.run(connection, widened, SetupMode.AUTO);

            assertThat(outcome.applied()).extracting(PlannedStatement::actor).containsOnly(Actor.CONNECTOR);
            assertThat(outcome.plan().model()).isEqualTo(SetupModel.CONNECTOR_MANAGED);
            assertThat(Setup.plan(connection, widened).facts().publication().publishedTables())
                    .containsExactlyInAnyOrder(ORDERS, INVOICES, HEARTBEAT);
        }
    }

    @Test
    void existingSchemaPublicationIsUsedAsItIsAndOnlyItsOwnerMayAddTables() throws Exception {
        assumeThat(server.major()).as("FOR TABLES IN SCHEMA needs PostgreSQL 15").isGreaterThanOrEqualTo(15);
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON SCHEMA public TO " + owner + "; CREATE SCHEMA other AUTHORIZATION "
                    + owner + "; CREATE PUBLICATION pub FOR TABLES IN SCHEMA public");
            TableName items = TableName.of("other", "items");
            createTable(db, ORDERS, owner);
            createTable(db, items, owner);
            Connection connection = db.connectAs(owner);
            SetupRequest request = request(db, HEARTBEAT, ORDERS, items);

            assertThatThrownBy(() -> Setup.run(connection, request, SetupMode.AUTO))
                    .isInstanceOf(SetupFailedException.class)
                    .hasMessageContaining("ALTER PUBLICATION \"pub\" ADD TABLE \"other\".\"items\";");

            // the heartbeat table lies in the published schema, so creating it is all the connector has to do; a start
            // that fails creates nothing
            SetupPlan after = Setup.plan(connection, request);
            assertThat(after.facts().publication().form()).isEqualTo(PublicationForm.TABLES_IN_SCHEMA);
            assertThat(after.facts().publication().schemas()).containsExactly("public");
            assertThat(after.facts().connectorTable(HEARTBEAT).exists()).isFalse();
            assertThat(after.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                    tuple(HEARTBEAT_DDL, Actor.CONNECTOR),
                    tuple("ALTER PUBLICATION \"pub\" ADD TABLE \"other\".\"items\"",
                            Actor.ADMINISTRATOR), tuple(createSlot(db), Actor.CONNECTOR));
        }
    }

    @Test
    void existingAllTablesPublicationNeedsNothingAdded() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON SCHEMA public TO " + owner + "; CREATE PUBLICATION pub FOR ALL TABLES");
            createTable(db, ORDERS, owner);

            SetupOutcome outcome = Setup.run(db.connectAs(owner), request(db, HEARTBEAT, ORDERS), SetupMode.AUTO);

            assertThat(sql(outcome.applied())).containsExactly(HEARTBEAT_DDL);
            assertThat(outcome.plan().facts().publication().form()).isEqualTo(PublicationForm.ALL_TABLES);
            assertThat(outcome.plan().model()).isEqualTo(SetupModel.CUSTOMER_MANAGED);
        }
    }

    @Test
    void rdsStyleServerGrantsRdsReplicationInsteadOfTheAttribute() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            server.execute("CREATE ROLE rds_replication NOLOGIN");
            try {
                String sync = db.createRole("sync", "LOGIN");
                createTable(db, ORDERS, server.superuser());
                db.asSuperuser("GRANT SELECT ON orders TO " + sync + "; CREATE PUBLICATION pub FOR TABLE orders");
                Connection connection = db.connectAs(sync);
                SetupRequest request = request(db, null, ORDERS);

                SetupPlan plan = Setup.plan(connection, request);
                assertThat(sql(plan.statements())).containsExactly("GRANT rds_replication TO \"" + sync + "\"",
                        createSlot(db));

                db.runScriptWithPsql(plan.toSqlScript());
                assertThat(Setup.plan(connection, request).isReady()).isTrue();
            } finally {
                server.execute("DROP ROLE rds_replication");
            }
        }
    }

    @Test
    void grantsDoneAndSlotMissingLeavesOnlyTheSlotForTheConnector() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            createTable(db, ORDERS, server.superuser());
            db.asSuperuser(HEARTBEAT_DDL + "; GRANT SELECT ON orders TO " + sync
                    + "; GRANT SELECT, INSERT, UPDATE ON pgcdc_heartbeat TO " + sync
                    + "; CREATE PUBLICATION pub FOR TABLE orders, pgcdc_heartbeat");

            Connection connection = db.connectAs(sync);
            SetupRequest request = request(db, HEARTBEAT, ORDERS);

            SetupOutcome outcome = Setup.run(connection, request, SetupMode.AUTO);
            assertThat(outcome.plan().statements()).extracting(PlannedStatement::sql, PlannedStatement::actor)
                    .containsExactly(tuple(createSlot(db), Actor.CONNECTOR));
            assertThat(outcome.applied()).isEmpty();
            assertThat(outcome.plan().isReady()).isTrue();
            assertThat(outcome.plan().connectorCreatesSlot()).isTrue();
            // validate creates nothing, the slot included: it names the statement that creates it
            assertThatThrownBy(() -> Setup.run(connection, request, SetupMode.VALIDATE))
                    .isInstanceOf(SetupFailedException.class).hasMessageContaining(createSlot(db) + ";")
                    .hasMessageContaining("Missing (setupMode=validate changes nothing)");
            assertThat(new ReplicationSlot(db.slot()).exists(connection)).isFalse();
        }
    }

    @Test
    void theScriptAltersTheSlotToAFailoverSlotOverAReplicationConnectionWhenRunWithPsql() throws Exception {
        assumeThat(server.major()).as("failover slots need PostgreSQL 17").isGreaterThanOrEqualTo(17);
        try (TestDatabase db = new TestDatabase(server)) {
            String sync = db.createRole("sync", "LOGIN");
            createTable(db, ORDERS, server.superuser());
            db.asSuperuser("GRANT SELECT ON orders TO " + sync + "; CREATE PUBLICATION pub FOR TABLE orders");
            db.asSuperuser("SELECT pg_create_logical_replication_slot('" + db.slot() + "', 'pgoutput')");
            Connection connection = db.connectAs(sync);
            SetupRequest request = SetupRequest.builder().slotName(db.slot()).publicationName("pub")
                    .tables(List.of(ORDERS)).slotFailover(true).build();

            String script = Setup.plan(connection, request).toSqlScript();
            assertThat(script).contains("\\connect -reuse-previous=on 'dbname=" + db.name()
                    + " replication=database'\nALTER_REPLICATION_SLOT \"" + db.slot() + "\" ( FAILOVER true );\n");
            db.runScriptWithPsql(script);

            assertThat(new ReplicationSlot(db.slot()).read(connection).failover()).isTrue();
            assertThat(Setup.plan(connection, request).isSetUp()).isTrue();
        }
    }

    @Test
    void publicationPresentAndHeartbeatMissingPlansOnlyTheHeartbeat() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "LOGIN REPLICATION");
            db.asSuperuser("GRANT CREATE ON DATABASE " + db.name() + " TO " + owner
                    + "; GRANT CREATE ON SCHEMA public TO " + owner);
            createTable(db, ORDERS, owner);
            Connection connection = db.connectAs(owner);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE PUBLICATION pub FOR TABLE orders");
            }

            SetupPlan plan = Setup.plan(connection, request(db, HEARTBEAT, ORDERS));

            assertThat(plan.statements()).extracting(PlannedStatement::sql, PlannedStatement::actor).containsExactly(
                    tuple(HEARTBEAT_DDL, Actor.CONNECTOR),
                    tuple(
                            "ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"pgcdc_heartbeat\"", Actor.CONNECTOR),
                    tuple(createSlot(db), Actor.CONNECTOR));
        }
    }

    @Test
    void namesThatNeedQuotingWorkEndToEnd() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String owner = db.createRole("owner", "NOLOGIN");
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            db.asSuperuser("CREATE SCHEMA \"My Schema\"");
            List<TableName> tables = List.of(TableName.of("public", "Order"), TableName.of("public", "a\"b"),
                    TableName.of("My Schema", "with space"), TableName.of("public", "Заказ"));
            for (TableName table : tables) {
                createTable(db, table, owner);
                db.asSuperuser("GRANT SELECT ON " + table.quoted() + " TO " + sync);
            }
            String publication = "pub \"quoted\"";
            SetupRequest request = SetupRequest.builder().slotName(db.slot()).publicationName(publication)
                    .tables(tables)
                    .connectorTables(List.of(ConnectorTable.heartbeat(TableName.of("My Schema", "heart\"beat"))))
                    .build();
            Connection connection = db.connectAs(sync);

            db.runScriptWithPsql(Setup.plan(connection, request).toSqlScript());
            db.createSlotOverReplicationConnection(sync);
            Setup.run(connection, request, SetupMode.VALIDATE);
            for (TableName table : tables) {
                db.asSuperuser("INSERT INTO " + table.quoted() + " VALUES (1, 'x')");
            }

            assertThat(PgoutputPeek.changes(connection, db.slot(), publication)).containsExactly(
                    "public.Order:I", "public.a\"b:I", "My Schema.with space:I", "public.Заказ:I");
        }
    }

    @Test
    void missingUsageOnTheTablesSchemaIsPlannedSoTheRoleCanReadTheTableOnceTheScriptRan() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            TableName table = TableName.of("audit_s.dot", "audit_x");
            db.asSuperuser("CREATE SCHEMA \"audit_s.dot\"");
            createTable(db, table, server.superuser());
            db.asSuperuser("GRANT SELECT ON " + table.quoted() + " TO " + Identifiers.quote(sync));
            Connection connection = db.connectAs(sync);
            SetupRequest request = request(db, null, table);
            SetupServers servers = new SetupServers(db.connector(sync), db.connector(sync));
            ChangeModelPreflight changeModel = new ChangeModelPreflight(connection, "pub", false, false,
                    (schema, name, column) -> true, null);

            SetupPlan plan = Setup.plan(connection, request);
            assertThat(sql(plan.statementsFor(Actor.ADMINISTRATOR))).containsExactly(
                    "GRANT USAGE ON SCHEMA \"audit_s.dot\" TO \"" + sync + "\"",
                    createPublication("\"audit_s.dot\".\"audit_x\""));
            assertThatThrownBy(() -> Setup.prepare(connection, servers, request, SetupMode.AUTO, changeModel,
                    () -> { }, () -> false)).isInstanceOf(SetupFailedException.class);
            assertThat(new ReplicationSlot(db.slot()).exists(connection)).isFalse();

            db.runScriptWithPsql(plan.toSqlScript());
            Setup.prepare(connection, servers, request, SetupMode.AUTO, changeModel, () -> { }, () -> false);
            assertThat(new ReplicationSlot(db.slot()).exists(connection)).isTrue();
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT count(*) FROM " + table.quoted()).close();
            }
        }
    }

    @Test
    void anAutoStartThatFailsOnABlockerOrAConfigurationErrorChangesNothing() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            Connection connection = db.connectAs(server.superuser());
            TableName missing = TableName.of("public", "missing");

            assertThatThrownBy(() -> Setup.run(connection, request(db, HEARTBEAT, ORDERS, missing), SetupMode.AUTO))
                    .isInstanceOf(SetupFailedException.class).hasMessageContaining("does not exist")
                    .hasMessageContaining("it ran none of them");
            assertNothingCreated(db, connection);

            SetupServers servers = new SetupServers(db.connector(server.superuser()),
                    db.connector(server.superuser()));
            ChangeModelPreflight keyExcluded = new ChangeModelPreflight(connection, "pub", false, false,
                    (schema, table, column) -> !column.equals("id"), null);
            assertThatThrownBy(() -> Setup.prepare(connection, servers, request(db, HEARTBEAT, ORDERS),
                    SetupMode.AUTO, keyExcluded, () -> { }, () -> false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("public.orders.id is a key");
            assertNothingCreated(db, connection);
        }
    }

    private static void assertNothingCreated(TestDatabase db, Connection connection) throws SQLException {
        assertThat(Setup.exists(connection, HEARTBEAT)).isFalse();
        try (Statement statement = connection.createStatement();
             java.sql.ResultSet publications = statement.executeQuery("SELECT count(*) FROM pg_publication")) {
            publications.next();
            assertThat(publications.getLong(1)).isZero();
        }
        assertThat(new ReplicationSlot(db.slot()).exists(connection)).isFalse();
    }

    @Test
    void namesFoldingToTheSameTableAreListedOnceAndThePlanSaysInWordsWhoManagesWhat() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            createTable(db, ORDERS, server.superuser());
            Connection connection = db.connectAs(sync);
            List<TableName> tables = ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("public.orders, public.ORDERS, Orders", null), true).tables();
            SetupRequest request = SetupRequest.builder().slotName(db.slot()).publicationName("pub").tables(tables)
                    .build();

            SetupPlan plan = Setup.plan(connection, request);

            assertThat(sql(plan.statements())).containsExactly(
                    "GRANT SELECT ON \"public\".\"orders\" TO \"" + sync + "\"",
                    createPublication("\"public\".\"orders\""), createSlot(db));
            db.runScriptWithPsql(plan.toSqlScript());
            assertThat(plan.describe().lines().findFirst().orElseThrow())
                    .doesNotContain("_MANAGED").contains("an administrator looks after part of");
        }
    }

    @Test
    void aTablesPatternMatchingNoTableBlocksANewPublicationRatherThanPublishEveryTable() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            Connection connection = db.connectAs(server.superuser());

            ChangeModelPreflight.TableSelection none = ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("public.nomatch_*", null), true);
            assertThat(none.tables()).isEmpty();
            assertThat(none.nothingSelected()).contains("nothing matched public.nomatch_*");
            assertThat(ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("public.order*", "public.orders"), true).nothingSelected())
                    .contains("excludeTables leaves out every table");
            assertThat(ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("public.order*", null), true).tables()).containsExactly(ORDERS);
            ChangeModelPreflight.TableSelection all = ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("*.*", "public.orders"), true);
            assertThat(all.tables()).isEmpty();
            assertThat(all.nothingSelected()).isNull();

            SetupRequest request = SetupRequest.builder().slotName(db.slot()).publicationName("pub")
                    .tables(none.tables()).unmatchedTablePatterns(none.unmatchedPatterns())
                    .nothingSelected(none.nothingSelected()).build();
            assertThat(Setup.plan(connection, request).blockers()).singleElement().asString()
                    .contains("nothing matched public.nomatch_*").contains("Check the names");
            assertThat(sql(Setup.plan(connection, request).statements())).noneMatch(sql -> sql.contains("ALL TABLES"));
            // an existing publication (here one made for other tables) is streamed as it is
            db.asSuperuser("CREATE PUBLICATION \"pub\" FOR TABLE " + ORDERS.quoted());
            assertThat(Setup.plan(connection, request).blockers()).isEmpty();
        }
    }

    @Test
    void aTablesOptionSelectingNothingPlansNothingForTheDatabasesTables() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            db.asSuperuser("CREATE TABLE \"public\".\"keyless\" (note text)");
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            Connection connection = db.connectAs(sync);
            String why = "The tables option (public.nomatch_*) selects no table: nothing matched public.nomatch_*.";
            for (String plugin : List.of("pgoutput", "wal2json")) {
                SetupPlan plan = Setup.plan(connection, SetupRequest.builder().slotName(db.slot()).plugin(plugin)
                        .publicationName("pub").nothingSelected(why).build());
                assertThat(plan.facts().tables()).as(plugin).isEmpty();
                assertThat(sql(plan.statements())).as(plugin)
                        .noneMatch(sql -> sql.contains("orders") || sql.contains("keyless"));
            }
            SetupPlan wal2json = Setup.plan(connection, SetupRequest.builder().slotName(db.slot()).plugin("wal2json")
                    .nothingSelected(why).build());
            assertThat(wal2json.warnings()).anyMatch(warning -> warning.startsWith(why));
        }
    }

    @Test
    void aMissingTableOfAnExistingPublicationIsWarnedSoARestartStreamsWhatTheSlotHolds() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            createTable(db, INVOICES, server.superuser());
            Connection connection = db.connectAs(server.superuser());
            SetupRequest request = request(db, null, ORDERS, INVOICES);
            Setup.run(connection, request, SetupMode.AUTO);
            db.asSuperuser("INSERT INTO " + INVOICES.quoted() + " VALUES (1, 'x'); DROP TABLE " + INVOICES.quoted());

            SetupPlan plan = Setup.plan(connection, request);

            assertThat(plan.blockers()).isEmpty();
            assertThat(plan.warnings()).anyMatch(warning -> warning.startsWith("Table " + INVOICES + " does not exist"));
            // a publication still to be changed needs every named table
            TableName missing = TableName.of("public", "missing");
            TableName extra = TableName.of("public", "extra");
            createTable(db, extra, server.superuser());
            assertThat(Setup.plan(connection, request(db, null, ORDERS, missing, extra))
                    .blockers()).anyMatch(blocker -> blocker.startsWith("Table " + missing + " does not exist"));
        }
    }

    @Test
    void aMissingExactNameBesidePatternsBlocksAsWithoutThemAndAPatternMatchingNothingIsWarned() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            TableName customer = TableName.of("public", "cust_a");
            TableName typo = TableName.of("public", "orders_typo");
            createTable(db, customer, server.superuser());
            Connection connection = db.connectAs(server.superuser());

            for (String tables : List.of("public.orders_typo", "public.orders_typo, public.cust_*, public.nomatch_*")) {
                ChangeModelPreflight.TableSelection selection = ChangeModelPreflight.tablesToPublish(connection,
                        dev.pgcdc.filter.TableFilter.of(tables, null), true);
                assertThat(selection.tables()).contains(typo);
                SetupPlan plan = Setup.plan(connection, SetupRequest.builder().slotName(db.slot())
                        .publicationName("pub").tables(selection.tables())
                        .unmatchedTablePatterns(selection.unmatchedPatterns()).build());
                assertThat(plan.blockers()).as(tables).singleElement().asString()
                        .startsWith("Table " + typo + " does not exist");
            }

            ChangeModelPreflight.TableSelection selection = ChangeModelPreflight.tablesToPublish(connection,
                    dev.pgcdc.filter.TableFilter.of("public.cust_*, public.nomatch_*, public.orders_typo", null), true);
            assertThat(selection.tables()).containsExactly(customer, typo);
            assertThat(selection.unmatchedPatterns()).containsExactly("public.nomatch_*");
            SetupPlan plan = Setup.plan(connection, SetupRequest.builder().slotName(db.slot()).publicationName("pub")
                    .tables(selection.tables()).unmatchedTablePatterns(selection.unmatchedPatterns()).build());
            assertThat(plan.warnings()).filteredOn(warning -> warning.contains("public.nomatch_*")).singleElement()
                    .asString().contains("matches no existing table");
        }
    }

    @Test
    void planModeReportsWhatTheOptionsCheckRefusesBesideTheBlockers() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createTable(db, ORDERS, server.superuser());
            Connection connection = db.connectAs(server.superuser());
            ChangeModelPreflight keyExcluded = new ChangeModelPreflight(connection, "pub", false, false,
                    (schema, table, column) -> !column.equals("id"), null);
            TableName missing = TableName.of("public", "missing");

            SetupPlan plan = Setup.run(connection, null, request(db, HEARTBEAT, ORDERS, missing), SetupMode.PLAN,
                    planned -> keyExcluded.run(planned.facts().existingTables().stream().map(TableFacts::name)
                            .toList())).plan();

            assertThat(plan.blockers()).anySatisfy(blocker -> assertThat(blocker).contains(missing + " does not exist"))
                    .anySatisfy(blocker -> assertThat(blocker).contains("public.orders.id is a key column"));
            assertThat(plan.describe()).contains("public.orders.id is a key column");
            assertNothingCreated(db, connection);
        }
    }

    /** The oldest major there are binaries for and the default one: enough for the version-dependent SQL. */
    static Stream<Integer> oldestAndDefaultMajor() {
        return Stream.of(PostgresExtension.availableMajors().findFirst().orElseThrow(), server.major()).distinct();
    }

    /** The catalog SQL differs by version (pubviaroot and wal_status from 13, schema publications from 15). */
    @ParameterizedTest
    @MethodSource("oldestAndDefaultMajor")
    void inspectsTheOldestAndTheDefaultMajor(int major) throws Exception {
        try (TestDatabase db = new TestDatabase(PG.forMajor(major))) {
            createTable(db, ORDERS, "postgres");
            db.asSuperuser("CREATE PUBLICATION pub FOR TABLE orders");
            db.asSuperuser("SELECT pg_create_logical_replication_slot('" + db.slot() + "', 'pgoutput')");

            SetupPlan plan = Setup.plan(db.connectAs("postgres"), request(db, HEARTBEAT, ORDERS));

            assertThat(plan.facts().majorVersion()).isEqualTo(major);
            assertThat(plan.facts().publication().viaRoot()).isEqualTo(major >= 13 ? Boolean.FALSE : null);
            assertThat(plan.existingSlot()).get().extracting(SlotState::walStatus)
                    .isEqualTo(major >= 13 ? "reserved" : null);
            assertThat(sql(plan.statements())).containsExactly(HEARTBEAT_DDL,
                    "ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"pgcdc_heartbeat\"");
        }
    }
}
