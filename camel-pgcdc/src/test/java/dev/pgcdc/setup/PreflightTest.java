package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.pg.SlotState;
import dev.pgcdc.embedded.junit.PostgresExtension;

/**
 * Each preflight failure on a real server gives its one message naming the fix. A cluster of its own: these tests
 * restart it with other settings and fill its (few) replication slots.
 */
class PreflightTest {

    private static final int MAX_SLOTS = 3;
    private static final TableName ORDERS = TableName.of("public", "orders");
    private static final TableName INVOICES = TableName.of("public", "invoices");

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder()
            .setting("max_replication_slots", Integer.toString(MAX_SLOTS)).build();

    private static PostgresServer server;

    @BeforeAll
    static void server() {
        server = PG.server();
    }

    private static SetupRequest request(TestDatabase db, TableName... tables) {
        return SetupRequest.builder().slotName(db.slot()).publicationName("pub").tables(List.of(tables)).build();
    }

    private static void createSlot(TestDatabase db, String name, String plugin) {
        db.asSuperuser("SELECT pg_create_logical_replication_slot('" + name + "', '" + plugin + "')");
    }

    @Test
    void walLevelNotLogicalNamesAlterSystemAndTheRestart() throws Exception {
        server.restart(Map.of("wal_level", "replica"));
        try (TestDatabase db = new TestDatabase(server)) {
            Connection connection = db.connectAs(server.superuser());

            assertThatThrownBy(() -> Setup.run(connection, request(db), SetupMode.VALIDATE))
                    .isInstanceOf(SetupFailedException.class)
                    .hasMessageContaining("wal_level is 'replica' but logical decoding needs 'logical'. Run ALTER SYSTEM"
                            + " SET wal_level = logical; and restart PostgreSQL");
        } finally {
            server.restart(Map.of("wal_level", "logical"));
        }
    }

    @Test
    void noFreeSlotNamesBothWaysOut() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            int used = server.queryForObject("SELECT count(*)::int FROM pg_replication_slots", Integer.class);
            for (int i = used; i < MAX_SLOTS; i++) {
                createSlot(db, "filler_" + db.name() + "_" + i, "pgoutput");
            }

            SetupPlan plan = Setup.plan(db.connectAs(server.superuser()), request(db));

            assertThat(plan.blockers()).containsExactly("No free replication slot: 3 of max_replication_slots = 3 are"
                    + " in use. Drop a slot nobody reads any more (SELECT pg_drop_replication_slot('name');) or run"
                    + " ALTER SYSTEM SET max_replication_slots = 4; and restart PostgreSQL.");
        }
    }

    @Test
    void slotWithAnotherPluginMustBeDroppedOrRenamed() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            createSlot(db, db.slot(), "test_decoding");

            SetupPlan plan = Setup.plan(db.connectAs(server.superuser()), request(db));

            assertThat(plan.blockers()).containsExactly("Slot '" + db.slot() + "' uses output plugin 'test_decoding',"
                    + " not 'pgoutput'. Drop it (SELECT pg_drop_replication_slot('" + db.slot() + "');), so pgcdc"
                    + " creates it again and takes a new snapshot, or choose another slot name.");
        }
    }

    @Test
    void lostSlotCanOnlyBeDropped() throws Exception {
        assumeThat(server.major()).as("wal_status and max_slot_wal_keep_size need PostgreSQL 13")
                .isGreaterThanOrEqualTo(13);
        server.restart(Map.of("max_slot_wal_keep_size", "1MB"));
        try (TestDatabase db = new TestDatabase(server)) {
            createSlot(db, db.slot(), "pgoutput");
            // move several WAL segments past the slot; the checkpoint then invalidates it
            db.asSuperuser("CREATE TABLE filler (x int)");
            for (int i = 0; i < 3; i++) {
                db.asSuperuser("INSERT INTO filler VALUES (1); SELECT pg_switch_wal()");
            }
            db.asSuperuser("CHECKPOINT");

            SetupPlan plan = Setup.plan(db.connectAs(server.superuser()), request(db));

            assertThat(plan.existingSlot()).get().extracting(SlotState::walStatus).isEqualTo("lost");
            assertThat(plan.blockers()).singleElement().asString()
                    .contains("Replication slot '" + db.slot() + "' is lost", "can never resume",
                            "SELECT pg_drop_replication_slot('" + db.slot() + "');", "max_slot_wal_keep_size (now 1MB)");
        } finally {
            server.restart(Map.of("max_slot_wal_keep_size", "-1"));
        }
    }

    @Test
    void roleWithoutReplicationGetsTheGrant() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String user = db.createRole("plain", "LOGIN");
            db.asSuperuser("CREATE PUBLICATION pub");

            SetupPlan plan = Setup.plan(db.connectAs(user), request(db));

            assertThat(plan.statementsFor(Actor.ADMINISTRATOR)).extracting(PlannedStatement::sql)
                    .contains("ALTER ROLE \"" + user + "\" REPLICATION");
            assertThat(plan.toSqlScript()).contains("-- Role " + user + " lacks the REPLICATION attribute it needs"
                    + " to create and read the replication slot.\nALTER ROLE \"" + user + "\" REPLICATION;");
        }
    }

    @Test
    void tableWithoutPrimaryKeyIsOfferedReplicaIdentityFullAndItsUpdatesThenWork() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            TableName noKey = TableName.of("public", "no key");
            db.asSuperuser("CREATE TABLE " + noKey.quoted() + " (x int); INSERT INTO " + noKey.quoted() + " VALUES (1)");
            Connection connection = db.connectAs(server.superuser());
            SetupRequest request = request(db, noKey);

            SetupPlan plan = Setup.plan(connection, request);
            assertThat(plan.statements()).first().isEqualTo(PlannedStatement.byAdministrator(
                    "ALTER TABLE \"public\".\"no key\" REPLICA IDENTITY FULL",
                    "Table \"public\".\"no key\" has no primary key or other replica identity: once it is published,"
                            + " PostgreSQL rejects every UPDATE and DELETE on it (\"cannot update table because it"
                            + " does not have a replica identity and publishes updates\"). REPLICA IDENTITY FULL"
                            + " fixes this by logging the whole old row (more WAL per change); adding a primary key"
                            + " is the leaner fix. Or leave the table out."));

            // what the message warns about: published without a replica identity, UPDATE fails
            db.asSuperuser("CREATE PUBLICATION probe FOR TABLE " + noKey.quoted());
            assertThatThrownBy(() -> db.asSuperuser("UPDATE " + noKey.quoted() + " SET x = 2"))
                    .hasMessageContaining("does not have a replica identity");

            db.runScriptWithPsql(plan.toSqlScript());
            db.asSuperuser("UPDATE " + noKey.quoted() + " SET x = 2");
            assertThat(Setup.plan(connection, request).isReady()).isTrue();
        }
    }

    @Test
    void publicationMissingATableNamesIt() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            String sync = db.createRole("sync", "LOGIN REPLICATION");
            for (TableName table : List.of(ORDERS, INVOICES)) {
                db.asSuperuser("CREATE TABLE " + table.quoted() + " (id int PRIMARY KEY);"
                        + " GRANT SELECT ON " + table.quoted() + " TO " + sync);
            }
            db.asSuperuser("CREATE PUBLICATION pub FOR TABLE orders");

            SetupPlan plan = Setup.plan(db.connectAs(sync), request(db, ORDERS, INVOICES));

            assertThat(plan.statementsFor(Actor.ADMINISTRATOR)).containsExactly(PlannedStatement.byAdministrator(
                    "ALTER PUBLICATION \"pub\" ADD TABLE \"public\".\"invoices\"",
                    "Publication pub does not publish \"public\".\"invoices\", so its changes would never arrive."));
        }
    }

    @Test
    void activeSlotIsAWarning() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            db.createSlotOverReplicationConnection(server.superuser());
            try (Connection replication = db.openReplicationConnection(server.superuser());
                    PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                            .replicationStream().logical().withSlotName(db.slot())
                            .withSlotOption("proto_version", 1).withSlotOption("publication_names", "pub").start()) {
                SetupPlan plan = Setup.plan(db.connectAs(server.superuser()), request(db));

                assertThat(plan.blockers()).isEmpty();
                assertThat(plan.warnings()).singleElement().asString().contains("is being read by process",
                        "55006");
            }
        }
    }

    @Test
    void publicationThatSkipsDeletesIsAWarning() throws Exception {
        try (TestDatabase db = new TestDatabase(server)) {
            db.asSuperuser("CREATE TABLE orders (id int PRIMARY KEY);"
                    + " CREATE PUBLICATION pub FOR TABLE orders WITH (publish = 'insert, update')");

            SetupPlan plan = Setup.plan(db.connectAs(server.superuser()), request(db, ORDERS));

            assertThat(plan.isReady()).isTrue();
            assertThat(plan.warnings()).containsExactly("Publication pub does not publish delete: such changes never"
                    + " reach pgcdc. If that is not intended, its owner can run ALTER PUBLICATION \"pub\""
                    + " SET (publish = 'insert, update, delete, truncate');");
        }
    }
}
