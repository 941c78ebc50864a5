package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * pgcdc → pgcdc-sink end to end, whatever the target database: the routes, the redelivery of exchanges a crash would
 * cause, and the checks that a failed change is reported on its exchange and not acknowledged.
 */
abstract class SinkTestSupport extends CdcTestSupport {

    /** The target database. */
    protected abstract SqlDatabase target();

    /** The sink endpoint for the target, with the given extra options ({@code a=b&c=d}, or empty). */
    protected abstract String sinkUri(String options);

    protected SqlDatabase source() {
        return new SqlDatabase(() -> pg().connect());
    }

    /** Streams {@code tables} of a new slot into the sink and waits until the consumer streams. */
    protected void route(String slot, String tables, String sinkOptions) throws Exception {
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + tables)).to(sinkUri(sinkOptions));
            }
        });
        awaitStreaming(slot);
    }

    /** Like {@link #route}, keeping a copy of every exchange the sink is sent, for {@link #redeliver}. */
    protected List<Exchange> recordingRoute(String slot, String tables, String sinkOptions) throws Exception {
        List<Exchange> sent = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + tables)).process(e -> sent.add(e.copy())).to(sinkUri(sinkOptions));
            }
        });
        awaitStreaming(slot);
        return sent;
    }

    /**
     * Sends the exchanges to the sink again, as the consumer's redelivery after a crash would (the same changes with
     * the same headers); each must complete without failure.
     */
    protected void redeliver(List<Exchange> sent, String sinkOptions) {
        ProducerTemplate template = contexts.get(0).createProducerTemplate();
        for (Exchange exchange : sent) {
            Exchange again = template.send(sinkUri(sinkOptions), exchange.copy());
            assertThat(again.getException()).isNull();
        }
    }

    /**
     * Streams {@code table} of a new slot into the sink with nothing handling failures, recording each failed
     * exchange's error and commit LSN; waits until the consumer streams.
     */
    protected FailedChanges failingRoute(String slot, String table, String sinkOptions) throws Exception {
        return failingRouteTo(slot, table, sinkUri(sinkOptions));
    }

    /** As {@link #failingRoute}, into any sink endpoint. */
    protected FailedChanges failingRouteTo(String slot, String table, String sink) throws Exception {
        FailedChanges failed = new FailedChanges(slot);
        failed.context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table))
                        .process(e -> e.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                            @Override
                            public void onFailure(Exchange exchange) {
                                failed.commit.set(exchange.getIn().getBody(ChangeEvent.class).getCommitLsn().value());
                                failed.errors.add(exchange.getException().getMessage());
                            }
                        }))
                        .to(sink);
            }
        });
        awaitStreaming(slot);
        return failed;
    }

    /** What a {@link #failingRoute} saw fail. */
    protected final class FailedChanges {
        final List<String> errors = new CopyOnWriteArrayList<>();
        final AtomicLong commit = new AtomicLong();
        final String slot;
        CamelContext context;

        FailedChanges(String slot) {
            this.slot = slot;
        }

        /** Waits for the first failure and returns its message. */
        String awaitError() {
            Await.until("a failure reported on slot " + slot, Duration.ofSeconds(30), () -> !errors.isEmpty());
            return errors.get(0);
        }

        /**
         * Asserts that the slot is not confirmed past the failed change's transaction, after several status updates in
         * which the consumer could (wrongly) have confirmed it.
         */
        void assertNotAcknowledged() {
            long updates = consumer(context).stats().statusUpdateCount();
            Await.until("three status updates after the failure", Duration.ofSeconds(30),
                    () -> consumer(context).stats().statusUpdateCount() >= updates + 3);
            assertThat(confirmedFlush(slot)).isLessThanOrEqualTo(commit.get());
        }
    }

    /**
     * Streams {@code tables} of a new slot into the sink with a route that handles {@link SinkException}s by recording
     * their messages; waits until the consumer streams.
     */
    protected List<String> handlingRoute(String slot, List<String> tables, String sinkOptions) throws Exception {
        return handlingRouteTo(slot, tables, sinkUri(sinkOptions));
    }

    /** {@link #handlingRoute} into the sink at {@code sinkUri}. */
    protected List<String> handlingRouteTo(String slot, List<String> tables, String sinkUri) throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                onException(SinkException.class).handled(true).process(e -> errors.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
                from(uri(slot, "tables=" + String.join(",", tables))).to(sinkUri);
            }
        });
        awaitStreaming(slot);
        return errors;
    }

    /**
     * The upsert tests' changes: three inserts, an update leaving the TOASTed {@code doc} unchanged (the change lists
     * it in unchanged, the target keeps its value), a key change leaving it unchanged (the row moves with its doc), a
     * delete, and an insert updated in the same transaction. {@code row} gives the VALUES tuple of an id.
     */
    protected void writeUpsertChanges(String table, IntFunction<String> row) {
        pg().execute("INSERT INTO " + table + " VALUES " + row.apply(1) + ", " + row.apply(2) + ", " + row.apply(3),
                "UPDATE " + table + " SET name = 'renamed' WHERE id = 1",
                "UPDATE " + table + " SET id = 20, name = 'moved' WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 3",
                "BEGIN; INSERT INTO " + table + " VALUES " + row.apply(4) + "; UPDATE " + table
                        + " SET amount = amount + 1 WHERE id = 4; COMMIT");
    }

    /** An append-mode target table of {@code (id, name)} rows; {@code timestampType} for the commit time. */
    static String appendTable(String table, String timestampType) {
        return "CREATE TABLE " + table + " (id INT, name TEXT, _pgcdc_op CHAR(1), _pgcdc_commit_lsn BIGINT,"
                + " _pgcdc_seq BIGINT, _pgcdc_lsn BIGINT, _pgcdc_commit_ts " + timestampType
                + ", PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq))";
    }

    /** The append tests' history after three inserts, an update, a delete and a truncate: op, id, name. */
    static final List<String> APPEND_HISTORY = List.of("c 1 one", "c 2 two", "c 3 three", "u 1 uno", "d 2 -", "t - -");

    /** The changes after the append tests' three inserts: an update, a delete, a truncate. */
    protected void writeAppendChangesAfterInserts(String table) {
        pg().execute("UPDATE " + table + " SET name = 'uno' WHERE id = 1", "DELETE FROM " + table + " WHERE id = 2",
                "TRUNCATE " + table);
    }

    /**
     * Appends rows 1 to 12 of a new table {@code <slot>_t}, three per source transaction, in append mode, across a
     * lost target connection ({@link #applyAcrossALostConnection}); each change is appended once.
     */
    protected void appendAcrossALostConnection(String slot, String timestampType, String sessions,
                                               UnaryOperator<String> kill) throws Exception {
        String table = applyAcrossALostConnection(slot, "append", t -> appendTable(t, timestampType), sessions, kill);
        assertThat(target().strings("SELECT COUNT(DISTINCT id) FROM " + table)).isEqualTo(List.of("12"));
    }

    /**
     * Writes rows 1 to 12 of a new table {@code <slot>_t (id, name)}, three per source transaction, into the target
     * table {@code createTarget} makes (given its name) in sink {@code mode}. After the second batch (in append mode
     * the first made the connection's staging table, the second went straight in) the sink's target sessions, the
     * ids {@code sessions} lists, are ended by {@code kill} of each id. The batch that meets the lost connection is
     * applied on a new one: no exchange fails, and the target ends with 12 rows. Returns the table's name.
     */
    protected String applyAcrossALostConnection(String slot, String mode, UnaryOperator<String> createTarget,
                                                String sessions, UnaryOperator<String> kill) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(createTarget.apply(table));
        FailedChanges failed = failingRoute(slot, table, "mode=" + mode);
        String written = "SELECT COUNT(*) FROM " + table;
        for (int batch = 1; batch <= 4; batch++) {
            if (batch == 3) {
                target().strings(sessions).forEach(id -> target().execute(kill.apply(id)));
                Await.until("the sink's target sessions ended", Duration.ofSeconds(30),
                        () -> target().strings(sessions), List::isEmpty);
            }
            pg().execute("INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series(" + (batch * 3 - 2) + ", "
                    + batch * 3 + ") g");
            int rows = batch * 3;
            Await.until("batch " + batch, Duration.ofSeconds(30), () -> target().strings(written),
                    List.of(String.valueOf(rows))::equals);
        }
        assertThat(failed.errors).isEmpty();
        return table;
    }

    /**
     * The soft-delete tests: a source table {@code <slot>_t (id, name, secret, note)} replicated in softDelete mode into
     * {@code mappedTo} (tableMapping) without secret and note (excludeColumns, unqualified and qualified); row 1 is
     * deleted, row 2 updated, deleted and inserted again. The target ends with {@code 1 a} deleted, {@code 2 again} not.
     * Returns the source table.
     */
    protected String replicateSoftDeletes(String slot, String mappedTo) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, secret text, note text)");
        route(slot, table, "mode=softDelete&tableMapping=" + table + ":" + mappedTo + "&excludeColumns=secret,"
                + table + ".note");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', 's1', 'n1'), (2, 'b', 's2', 'n2')",
                "DELETE FROM " + table + " WHERE id = 1", "UPDATE " + table + " SET name = 'bb' WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 2", "INSERT INTO " + table + " VALUES (2, 'again', 's', 'n')");
        return table;
    }

    /**
     * A key change between keys the target holds equal ({@code from} and {@code to}, literals of the source key type
     * {@code keyType}) moves the row, its unchanged TOASTed doc with it: in a new table {@code <slot>_t (id keyType,
     * name, doc)} of the source, streamed into the target table {@code createTarget} makes (given its name), in
     * upsert mode; a row of key {@code other} is inserted after it.
     */
    protected void moveToAnEqualKey(String slot, String keyType, String from, String to, String other,
                                    UnaryOperator<String> createTarget) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id " + keyType + " PRIMARY KEY, name text, doc text)",
                "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute(createTarget.apply(table));
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES (" + from + ", 'a', repeat(md5('a'), 100))",
                "UPDATE " + table + " SET id = " + to + " WHERE id = " + from,
                "INSERT INTO " + table + " VALUES (" + other + ", 'last', 'x')");
        String rows = "SELECT concat_ws('|', id, name, md5(doc)) FROM " + table + " ORDER BY name";
        Await.until("the last change applied", Duration.ofSeconds(30), () -> target().strings(rows).stream()
                .anyMatch(row -> row.contains("last")));
        assertThat(target().strings(rows)).isEqualTo(source().strings(rows));
    }

    /**
     * softDelete: a key change onto a deleted (tombstoned) key whose TOASTed doc did not change moves the doc with it,
     * not the tombstone's: in a new table {@code <slot>_t (id int, name, doc)} of the source, streamed into the
     * target table {@code createTarget} makes (given its name, with {@code _pgcdc_deleted}).
     */
    protected void moveOntoATombstone(String slot, UnaryOperator<String> createTarget) throws Exception {
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, doc text)",
                "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute(createTarget.apply(table));
        route(slot, table, "mode=softDelete");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a', repeat(md5('a'), 100)), (2, 'b', repeat(md5('b'),"
                        + " 100))", "DELETE FROM " + table + " WHERE id = 2",
                "UPDATE " + table + " SET id = 2, name = 'moved' WHERE id = 1",
                "INSERT INTO " + table + " VALUES (3, 'last', 'x')");
        String rows = "SELECT concat_ws('|', id, name, md5(doc)) FROM " + table;
        String live = rows + " WHERE NOT _pgcdc_deleted ORDER BY id";
        Await.until("the last change applied", Duration.ofSeconds(30), () -> target().strings(live).stream()
                .anyMatch(row -> row.contains("last")));
        assertThat(target().strings(live)).isEqualTo(source().strings(rows + " ORDER BY id"));
    }

    /**
     * softDelete keeps a deleted row with its values, so a unique index besides the key ({@code email}) would refuse
     * a later row taking them (delete id 1 with email x, insert id 2 with email x) in mid-stream: a table with one
     * ({@code refusedTarget}, given its name) is refused on its first change, naming the index, and nothing is
     * written; a table {@code acceptedTarget} makes (e.g. with a PostgreSQL partial index on live rows) applies that
     * sequence. The source is {@code <slot>_t (id int, email text)}.
     */
    protected void softDeleteRefusesAnotherUniqueIndex(String slot, UnaryOperator<String> refusedTarget,
                                                       UnaryOperator<String> acceptedTarget) throws Exception {
        String refused = slot + "_t";
        String accepted = slot + "_ok_t";
        for (String table : List.of(refused, accepted)) {
            pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text)");
        }
        target().execute(refusedTarget.apply(refused));
        FailedChanges failures = failingRoute(slot, refused, "mode=softDelete");
        pg().execute("INSERT INTO " + refused + " VALUES (1, 'x')");
        assertThat(failures.awaitError()).contains("Target table", refused, "has unique index by_email on [email]",
                "softDelete mode keeps a deleted row", "Drop the index");
        assertThat(target().strings("SELECT COUNT(*) FROM " + refused)).containsExactly("0");

        if (acceptedTarget != null) {
            target().execute(acceptedTarget.apply(accepted));
            FailedChanges none = failingRoute(slot + "_ok", accepted, "mode=softDelete");
            pg().execute("INSERT INTO " + accepted + " VALUES (1, 'x')", "DELETE FROM " + accepted + " WHERE id = 1",
                    "INSERT INTO " + accepted + " VALUES (2, 'x')");
            String rows = "SELECT concat_ws(' ', id, email, _pgcdc_deleted) FROM " + accepted + " ORDER BY id";
            Await.until("the sequence applied (failures: " + none.errors + ")", Duration.ofSeconds(30),
                    () -> target().strings(rows).size() == 2);
            assertThat(none.errors).isEmpty();
        }
    }

    /**
     * A mirror's rows in one comparable form per row, PostgreSQL side: {@code id|name|amount|at in UTC|md5(doc)} of a
     * table {@code (id, name, amount numeric, at timestamptz, doc text)}.
     */
    static String postgresMirrorRows(String table) {
        return "SELECT concat_ws('|', id, name, amount, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),"
                + " md5(doc)) FROM " + table + " ORDER BY id";
    }

    /** The same form as {@link #postgresMirrorRows} for a MariaDB mirror (at as DATETIME(6) in UTC). */
    static String mariaDbMirrorRows(String table) {
        return "SELECT concat_ws('|', id, name, amount, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), md5(doc)) FROM "
                + table + " ORDER BY id";
    }
}
