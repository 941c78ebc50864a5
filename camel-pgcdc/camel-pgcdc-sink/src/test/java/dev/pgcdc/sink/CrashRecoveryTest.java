package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.it.CdcTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance test: a random workload on the source, replicated by a route in a child JVM into a PostgreSQL
 * mirror, a PostgreSQL history (append), a MariaDB mirror and a MariaDB history; the child is killed with SIGKILL twice
 * along the way and restarted. At the end both mirrors equal the source row for row and both histories hold every
 * change exactly once.
 */
class CrashRecoveryTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final String TARGET = "crash_target";
    static final String MARIA_DB = SqlDatabase.mariaDbName("pgcdc_sink_crash");

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    static SqlDatabase maria() {
        return SqlDatabase.mariaDb(MARIA_DB);
    }

    @BeforeAll
    static void createTargets() {
        PG.server().createDatabase(TARGET);
        SqlDatabase.createMariaDb(MARIA_DB);
    }

    @AfterAll
    static void dropMariaDatabase() {
        SqlDatabase.dropMariaDb(MARIA_DB);
    }

    @Test
    void killedTwiceTheTargetsStillEqualTheSourceAndTheHistoryHoldsEachChangeOnce() throws Exception {
        String slot = uniqueSlot("crash");
        String table = slot + "_t";
        String columns = "id int PRIMARY KEY, name text, amount numeric(12,2), at timestamptz, doc text";
        pg().execute("CREATE TABLE " + table + " (" + columns + ")",
                "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL",
                // the source's own record of every change, to compare the history with
                "CREATE TABLE audit (seq bigserial, op text, id int)",
                "CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF TG_OP = 'TRUNCATE' THEN INSERT INTO audit (op) VALUES ('t');"
                        + " ELSIF TG_OP = 'DELETE' THEN INSERT INTO audit (op, id) VALUES ('d', OLD.id);"
                        + " ELSE INSERT INTO audit (op, id) VALUES (CASE TG_OP WHEN 'INSERT' THEN 'c' ELSE 'u' END, NEW.id);"
                        + " END IF;"
                        + " RETURN NULL; END $$",
                "CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON " + table
                        + " FOR EACH ROW EXECUTE FUNCTION audit()",
                "CREATE TRIGGER audit_truncate AFTER TRUNCATE ON " + table + " EXECUTE FUNCTION audit()");
        SqlDatabase target = new SqlDatabase(() -> pg().connectTo(TARGET));
        target.execute("CREATE TABLE " + table + " (" + columns + ")",
                "CREATE TABLE history (id int, name text, amount numeric(12,2), at timestamptz, doc text,"
                        + " _pgcdc_op char(1), _pgcdc_commit_lsn bigint, _pgcdc_seq bigint, _pgcdc_lsn bigint,"
                        + " _pgcdc_commit_ts timestamptz, PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))");
        maria().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name TEXT, amount DECIMAL(12,2),"
                + " at DATETIME(6), doc LONGTEXT)", "CREATE TABLE history (id INT, name TEXT, amount DECIMAL(12,2),"
                + " at DATETIME(6), doc LONGTEXT, _pgcdc_op CHAR(1), _pgcdc_commit_lsn BIGINT, _pgcdc_seq BIGINT,"
                + " _pgcdc_lsn BIGINT, _pgcdc_commit_ts DATETIME(6), PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))");

        String pgSink = "?jdbcUrl=" + pg().jdbcUrl(TARGET) + "&user=" + pg().superuser();
        String[] routeArgs = {uri(slot, "tables=" + table + "&maxInflight=200"),
                "pgcdc-sink:mirror" + pgSink + "&batchSize=100",
                "pgcdc-sink:history" + pgSink + "&mode=append&tableMapping=" + table + ":history&batchSize=100",
                "pgcdc-sink:maria?jdbcUrl=" + SqlDatabase.mariaDbUrl(MARIA_DB) + "&user=root&targetSchema=" + MARIA_DB + "&batchSize=100",
                "pgcdc-sink:mariahistory?jdbcUrl=" + SqlDatabase.mariaDbUrl(MARIA_DB) + "&user=root&mode=append"
                        + "&tableMapping=" + table + ":" + MARIA_DB + ".history&batchSize=100"};

        Workload workload = new Workload(table, new Random(42), target);
        AtomicReference<Throwable> workloadFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                workload.run(400);
            } catch (RuntimeException | AssertionError e) {
                workloadFailure.set(e);
            }
        }, "workload");
        Process child = startChild(routeArgs);
        try {
            awaitStreaming(slot);
            writer.start();
            long unconfirmedButApplied = 0;
            for (int changes : new int[] {250, 600}) {
                // kill while some changes are applied in the target but not yet confirmed, so redelivery is exercised:
                // the child is frozen (SIGSTOP) before the check that decides, so no status update can confirm them
                // between the check and the kill; found all confirmed, it runs on and the check is made again
                Process running = child;
                Await.until(changes + " source changes, some applied but unconfirmed", Duration.ofSeconds(60), () -> {
                    if (auditCount() < changes || appliedButUnconfirmed(target, slot) == 0) {
                        return false;
                    }
                    signal("STOP", running);
                    if (appliedButUnconfirmed(target, slot) > 0) {
                        return true;
                    }
                    signal("CONT", running);
                    return false;
                });
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no final status update
                child.waitFor(10, TimeUnit.SECONDS);
                // changes committed in the target that the slot has not confirmed: they come again after the restart
                unconfirmedButApplied += appliedButUnconfirmed(target, slot);
                child = startChild(routeArgs);
            }
            writer.join(Duration.ofMinutes(5).toMillis());
            assertThat(writer.isAlive()).as("the workload still running after 5 minutes").isFalse();
            assertThat(workloadFailure.get()).as("the workload's failure").isNull();
            assertThat(unconfirmedButApplied).as("changes redelivered after the kills").isPositive();

            String pgRows = SinkTestSupport.postgresMirrorRows(table);
            List<String> expected = new SqlDatabase(() -> pg().connect()).strings(pgRows);
            assertThat(expected).hasSizeGreaterThan(20);
            Await.until("PostgreSQL mirror equal", Duration.ofSeconds(60), () -> target.strings(pgRows),
                    expected::equals);
            Await.until("MariaDB mirror equal", Duration.ofSeconds(60),
                    () -> maria().strings(SinkTestSupport.mariaDbMirrorRows(table)), expected::equals);
            List<String> changes = new SqlDatabase(() -> pg().connect())
                    .strings("SELECT op || coalesce(id::text, '') FROM audit ORDER BY seq");
            // each history must come to hold every change exactly once
            Await.until("PostgreSQL history complete", Duration.ofSeconds(60), () -> target.strings(
                    "SELECT _pgcdc_op || coalesce(id::text, '') FROM history ORDER BY _pgcdc_commit_lsn, _pgcdc_seq"),
                    changes::equals);
            Await.until("MariaDB history complete", Duration.ofSeconds(60), () -> maria().strings(
                    "SELECT concat(_pgcdc_op, coalesce(id, '')) FROM history ORDER BY _pgcdc_commit_lsn, _pgcdc_seq"),
                    changes::equals);
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private long appliedButUnconfirmed(SqlDatabase target, String slot) {
        return Long.parseLong(target.strings("SELECT count(*) FROM history WHERE _pgcdc_commit_lsn >= "
                + confirmedFlush(slot)).get(0));
    }

    private static long historyRows(SqlDatabase target) {
        return Long.parseLong(target.strings("SELECT count(*) FROM history").get(0));
    }

    private long auditCount() {
        return pg().queryForObject("SELECT count(*) FROM audit", Long.class);
    }

    private static void signal(String signal, Process process) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed", e);
        }
    }

    private static Process startChild(String[] routeArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SinkRouteMain.class.getName()));
        command.addAll(List.of(routeArgs));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "crash-child.log").toFile()).start();
    }

    /** Random transactions: inserts, updates (some leaving the TOASTed doc unchanged), key changes, deletes, truncate. */
    private final class Workload {
        private final String table;
        private final Random random;
        private final SqlDatabase target;
        private final List<Integer> ids = new ArrayList<>();
        private int nextId = 1;

        Workload(String table, Random random, SqlDatabase target) {
            this.table = table;
            this.random = random;
            this.target = target;
        }

        void run(int transactions) {
            for (int i = 0; i < transactions; i++) {
                List<String> statements = new ArrayList<>(List.of("BEGIN"));
                int size = 1 + random.nextInt(4);
                for (int j = 0; j < size; j++) {
                    statements.add(statement());
                }
                statements.add("COMMIT");
                pg().execute(String.join("; ", statements));
                if (i % 20 == 0) {
                    // a steady stream rather than one burst, so the kills land mid-stream: the writer stays within a
                    // few transactions of what the route applied (and waits while the route is down)
                    Await.until("the route within 150 changes of the source", Duration.ofSeconds(60),
                            () -> historyRows(target) >= auditCount() - 150);
                }
            }
        }

        private String statement() {
            int dice = random.nextInt(100);
            if (ids.isEmpty() || dice < 40) {
                int id = nextId++;
                ids.add(id);
                return "INSERT INTO " + table + " VALUES (" + id + ", 'n" + id + "', " + random.nextInt(100000)
                        + " / 100.0, now() - interval '" + random.nextInt(1000000) + " seconds', repeat(md5('"
                        + random.nextInt() + "'), " + (1 + random.nextInt(300)) + "))";
            }
            int id = ids.get(random.nextInt(ids.size()));
            if (dice < 60) {
                return "UPDATE " + table + " SET name = 'u" + random.nextInt(1000) + "', amount = amount + 1 WHERE id = "
                        + id;
            }
            if (dice < 70) {
                return "UPDATE " + table + " SET doc = repeat(md5('" + random.nextInt() + "'), 100) WHERE id = " + id;
            }
            if (dice < 82) {
                int newId = nextId++;
                ids.remove(Integer.valueOf(id));
                ids.add(newId);
                return "UPDATE " + table + " SET id = " + newId + " WHERE id = " + id;
            }
            if (dice < 99) {
                ids.remove(Integer.valueOf(id));
                return "DELETE FROM " + table + " WHERE id = " + id;
            }
            ids.clear();
            return "TRUNCATE " + table;
        }
    }
}
