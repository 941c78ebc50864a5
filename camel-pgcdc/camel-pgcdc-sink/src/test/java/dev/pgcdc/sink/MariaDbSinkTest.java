package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgcdc → pgcdc-sink into MariaDB (127.0.0.1:3306), end to end: each mode, mapping and exclusion, every kind of value
 * in the form {@link MariaDbDialect} documents, and bad targets. The tests' database is their own (named with this
 * JVM's pid), created before and dropped after them.
 */
class MariaDbSinkTest extends SinkTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().setting("max_replication_slots", "40").build();
    static final String DATABASE = SqlDatabase.mariaDbName("pgcdc_sink_test");

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void createDatabase() {
        SqlDatabase.createMariaDb(DATABASE);
    }

    @AfterAll
    static void dropDatabase() {
        SqlDatabase.dropMariaDb(DATABASE);
    }

    @Override
    protected SqlDatabase target() {
        return SqlDatabase.mariaDb(DATABASE);
    }

    @Override
    protected String sinkUri(String options) {
        return "pgcdc-sink:maria?jdbcUrl=" + SqlDatabase.mariaDbUrl(DATABASE) + "&user=root&targetSchema=" + DATABASE
                + (options.isEmpty() ? "" : "&" + options);
    }

    /** Waits until the MariaDB mirror holds the source's rows (id, name, amount, at in UTC, md5 of doc). */
    private void awaitMirror(String table) {
        List<String> expected = source().strings(postgresMirrorRows(table));
        Await.until(table + " mirrored", Duration.ofSeconds(30), () -> target().strings(mariaDbMirrorRows(table)),
                expected::equals);
    }

    @Test
    void upsertMirrorsInsertsUpdatesKeyChangesUnchangedToastDeletesAndTruncate() throws Exception {
        String slot = uniqueSlot("maria_upsert");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric(12,2), at timestamptz,"
                + " doc text)", "ALTER TABLE " + table + " ALTER doc SET STORAGE EXTERNAL");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name TEXT, amount DECIMAL(12,2),"
                + " at DATETIME(6), doc LONGTEXT)");
        route(slot, table, "");
        String row = "(%1$d, 'n%1$d', %1$d.25, '2026-01-02 03:04:05.123456+02', repeat(md5('%1$d'), 200))";
        writeUpsertChanges(table, id -> String.format(row, id));
        awaitMirror(table);
        assertThat(target().strings("SELECT CONCAT(id, ':', name, ':', amount, ':', LENGTH(doc)) FROM " + table
                + " ORDER BY id")).containsExactly("1:renamed:1.25:6400", "4:n4:5.25:6400", "20:moved:2.25:6400");

        pg().execute("TRUNCATE " + table, "INSERT INTO " + table + " VALUES " + String.format(row, 5));
        awaitMirror(table);
        assertThat(target().strings("SELECT id FROM " + table)).containsExactly("5");
    }

    /**
     * Runs of deletes from one table go as few statements, each with at most its cap of keys (512, or 128 for a key of
     * four columns): by a single-column key, and by a key of four columns with odd names whose values MariaDB is sent
     * converted (timestamptz as DATETIME in UTC, uuid as text). MariaDB has no statement triggers: a row trigger
     * records NOW(6), the time its statement began, so each distinct time is one statement. Another table's change or
     * another kind of change ends a run: a key deleted, inserted again and deleted again in one transaction ends as at
     * the source.
     */
    @Test
    void runsOfDeletesGoAsFewStatementsAndEndAsAtTheSource() throws Exception {
        String slot = uniqueSlot("maria_deleteruns");
        String one = slot + "_one";
        String multi = slot + "_multi";
        pg().execute("CREATE TABLE " + one + " (id int PRIMARY KEY, name text, amount numeric(12,2), at timestamptz,"
                        + " doc text)",
                "CREATE TABLE " + multi + " (\"Id col\" int, \"we\"\"ird`q\" text, at timestamptz, u uuid, name text,"
                        + " PRIMARY KEY (\"Id col\", \"we\"\"ird`q\", at, u))");
        target().execute("CREATE TABLE " + one + " (id INT PRIMARY KEY, name TEXT, amount DECIMAL(12,2),"
                        + " at DATETIME(6), doc LONGTEXT)",
                "CREATE TABLE " + multi + " (`Id col` INT, `we\"ird``q` VARCHAR(100), at DATETIME(6), u CHAR(36),"
                        + " name TEXT, PRIMARY KEY (`Id col`, `we\"ird``q`, at, u)) DEFAULT CHARSET=utf8mb4"
                        + " COLLATE=utf8mb4_nopad_bin",
                "CREATE TABLE " + slot + "_statements (tab VARCHAR(10), at DATETIME(6))");
        for (String table : List.of(one, multi)) {
            String tab = table.equals(one) ? "one" : "multi";
            target().execute("CREATE TRIGGER " + table + "_count AFTER DELETE ON " + table + " FOR EACH ROW"
                    + " INSERT INTO " + slot + "_statements VALUES ('" + tab + "', NOW(6))");
        }
        route(slot, String.join(",", one, multi), "batchSize=2000");
        pg().execute("INSERT INTO " + one + " SELECT g, 'n' || g, g / 4.0, '2026-01-02 03:04:05.123456+02'::timestamptz"
                        + " + g * interval '1 second', md5(g::text) FROM generate_series(1, 1000) g",
                "INSERT INTO " + multi + " SELECT g, 'a\"b`c, (x) ' || g, '2026-01-02 03:04:05.123456+02'::timestamptz"
                        + " + g * interval '1 second', md5(g::text)::uuid, 'n' || g FROM generate_series(1, 300) g");
        pg().execute("BEGIN; DELETE FROM " + one + " WHERE id <= 100; INSERT INTO " + one + " (id, name) VALUES (1,"
                        + " 'again'); DELETE FROM " + one + " WHERE id BETWEEN 101 AND 150; DELETE FROM " + one
                        + " WHERE id = 1; INSERT INTO " + one + " (id, name) VALUES (2, 'again'); COMMIT",
                "DELETE FROM " + one + " WHERE id BETWEEN 201 AND 800",
                "DELETE FROM " + multi + " WHERE \"Id col\" <= 200",
                "BEGIN; DELETE FROM " + one + " WHERE id BETWEEN 801 AND 810; DELETE FROM " + multi
                        + " WHERE \"Id col\" BETWEEN 201 AND 210; DELETE FROM " + one + " WHERE id BETWEEN 811 AND 820;"
                        + " UPDATE " + multi + " SET name = 'kept' WHERE \"Id col\" = 211; DELETE FROM " + multi
                        + " WHERE \"Id col\" BETWEEN 212 AND 220; COMMIT");
        awaitMirror(one);
        List<String> expected = source().strings("SELECT concat_ws('|', \"Id col\", \"we\"\"ird`q\","
                + " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), u, name) FROM " + multi
                + " ORDER BY \"Id col\"");
        Await.until(multi + " mirrored", Duration.ofSeconds(30), () -> target().strings("SELECT CONCAT_WS('|',"
                + " `Id col`, `we\"ird``q`, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), u, name) FROM " + multi
                + " ORDER BY `Id col`"), expected::equals);
        assertThat(target().strings("SELECT COUNT(*) FROM " + one)).containsExactly("231");
        assertThat(expected).hasSize(81);
        // per row these would be 771 and 219 statements; each run is at least one statement per cap of keys (6 and 4),
        // more where a batch splits a run
        String statements = "SELECT COUNT(DISTINCT at) FROM " + slot + "_statements WHERE tab = '%s'";
        assertThat(Integer.parseInt(target().strings(String.format(statements, "one")).get(0))).isBetween(6, 20);
        assertThat(Integer.parseInt(target().strings(String.format(statements, "multi")).get(0))).isBetween(4, 15);
        String largest = "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM " + slot + "_statements WHERE tab = '%s'"
                + " GROUP BY at) s";
        assertThat(Integer.parseInt(target().strings(String.format(largest, "one")).get(0))).isBetween(2, 512);
        assertThat(Integer.parseInt(target().strings(String.format(largest, "multi")).get(0))).isBetween(2, 128);
    }

    /**
     * Two source tables into one target table, whose key column is text in one source and integer in the other:
     * their consecutive deletes go as two statements, since a list of row values mixing a string and a number in a
     * column would compare all of it as numbers and delete {@code (1, 'y')} along with {@code (1, 'x')}.
     */
    @Test
    void runsOfDeletesDoNotMixStringsAndNumbersInAKeyColumn() throws Exception {
        String slot = uniqueSlot("maria_deletekinds");
        String texts = slot + "_texts";
        String numbers = slot + "_numbers";
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + texts + " (a int, k text, PRIMARY KEY (a, k))",
                "CREATE TABLE " + numbers + " (a int, k int, PRIMARY KEY (a, k))");
        target().execute("CREATE TABLE " + table + " (a INT, k VARCHAR(10) COLLATE utf8mb4_nopad_bin,"
                + " PRIMARY KEY (a, k)) DEFAULT CHARSET=utf8mb4");
        route(slot, texts + "," + numbers, "tableMapping=" + texts + ":" + table + "," + numbers + ":" + table);
        pg().execute("INSERT INTO " + texts + " VALUES (1, 'x'), (1, 'y')",
                "INSERT INTO " + numbers + " VALUES (1, 1)");
        String rows = "SELECT GROUP_CONCAT(k ORDER BY k) FROM " + table;
        Await.until("three rows", Duration.ofSeconds(30), () -> target().strings(rows), List.of("1,x,y")::equals);
        pg().execute("BEGIN; DELETE FROM " + texts + " WHERE k = 'x'; DELETE FROM " + numbers + "; COMMIT",
                "INSERT INTO " + numbers + " VALUES (2, 2)");
        Await.until("the deletes and the insert after them applied", Duration.ofSeconds(30),
                () -> target().strings(rows), List.of("2,y")::equals);
    }

    @Test
    void aBatchWhoseTargetConnectionWasLostIsAppliedOnANewOneAndEachChangeIsAppendedOnce() throws Exception {
        appendAcrossALostConnection(uniqueSlot("maria_lost"), "DATETIME(6)", "SELECT ID FROM"
                + " information_schema.PROCESSLIST WHERE DB = '" + DATABASE + "' AND ID <> CONNECTION_ID()",
                id -> "KILL CONNECTION " + id);
    }

    @Test
    void appendRecordsEveryChangeOnceWithItsPositionAndCommitTimeInUtcAlsoWhenRedelivered() throws Exception {
        String slot = uniqueSlot("maria_append");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "DATETIME(6)"));
        String options = "mode=append";
        List<Exchange> sent = recordingRoute(slot, table, options);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        writeAppendChangesAfterInserts(table);
        String history = "SELECT CONCAT_WS(' ', _pgcdc_op, COALESCE(id, '-'), COALESCE(name, '-')) FROM " + table
                + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        Await.until("history appended", Duration.ofSeconds(30), () -> target().strings(history),
                APPEND_HISTORY::equals);

        // each row records its change's position, LSNs and commit time (DATETIME in UTC), exactly
        DateTimeFormatter micros = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
        List<String> recorded = sent.stream().map(e -> {
            ChangeEvent change = e.getIn().getBody(ChangeEvent.class);
            return change.getOp().code() + " " + change.getCommitLsn().value() + " " + change.getLsn().value() + " "
                    + micros.format(change.getCommitTimestamp());
        }).toList();
        String positions = "SELECT CONCAT_WS(' ', _pgcdc_op, _pgcdc_commit_lsn, _pgcdc_lsn,"
                + " DATE_FORMAT(_pgcdc_commit_ts, '%Y-%m-%d %H:%i:%s.%f')) FROM " + table
                + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        assertThat(target().strings(positions)).isEqualTo(recorded);
        assertThat(target().strings("SELECT CONCAT(MIN(_pgcdc_seq), '-', MAX(_pgcdc_seq)) FROM " + table
                + " WHERE _pgcdc_op = 'c'")).containsExactly("0-2");

        // the consumer's redelivery after a crash sends the same changes again: nothing is appended twice
        redeliver(sent, options);
        assertThat(target().strings(history)).isEqualTo(APPEND_HISTORY);
    }

    /**
     * An append table with a unique index besides its (commit LSN, position) key is written by update then insert:
     * appends apply, a redelivered one changes nothing, and an append that conflicts with the other index fails
     * naming it instead of being skipped as a redelivery.
     */
    @Test
    void appendIntoATableWithAnotherUniqueIndexSkipsRedeliveriesAndFailsAConflictNamingIt() throws Exception {
        String slot = uniqueSlot("maria_append_unique");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute(appendTable(table, "DATETIME(6)").replace("name TEXT", "name VARCHAR(20)")
                .replaceFirst("\\)$", ", UNIQUE KEY by_name (name))"));
        String options = "mode=append";
        List<Exchange> sent = recordingRoute(slot, table, options);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        writeAppendChangesAfterInserts(table);
        String history = "SELECT CONCAT_WS(' ', _pgcdc_op, COALESCE(id, '-'), COALESCE(name, '-')) FROM " + table
                + " ORDER BY _pgcdc_commit_lsn, _pgcdc_seq";
        Await.until("history appended", Duration.ofSeconds(30), () -> target().strings(history),
                APPEND_HISTORY::equals);

        redeliver(sent, options);
        assertThat(target().strings(history)).isEqualTo(APPEND_HISTORY);

        // the first insert at another position: a new history row whose name the first one holds
        Exchange conflicting = sent.get(0).copy();
        conflicting.getIn().setBody(conflicting.getIn().getBody(ChangeEvent.class).withPosition(99)
                .markedLast());
        Exchange failed = contexts.get(0).createProducerTemplate().send(sinkUri(options), conflicting);
        assertThat(failed.getException()).isNotNull();
        assertThat(failed.getException().getMessage()).contains("duplicate entry for key by_name");
        assertThat(target().strings(history)).isEqualTo(APPEND_HISTORY);
    }

    /**
     * Keys distinct at the source that a case-insensitive collation holds equal ('A' and 'a') would be written over
     * one another: the sink refuses such a key column with the collation to give it, and writes nothing.
     */
    @Test
    void keyColumnsWhoseCollationIgnoresCaseAreRefusedWithTheFix() throws Exception {
        String slot = uniqueSlot("maria_ci_key");
        pg().execute("CREATE TABLE " + slot + "_t (id text PRIMARY KEY, name text)");
        target().execute("CREATE TABLE " + slot + "_t (id VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY,"
                + " name TEXT) DEFAULT CHARSET=utf8mb4");
        FailedChanges failures = failingRoute(slot, slot + "_t", "");
        pg().execute("INSERT INTO " + slot + "_t VALUES ('A', 'upper'), ('a', 'lower')");

        assertThat(failures.awaitError()).contains("Target table \"" + DATABASE + "\".\"" + slot + "_t\" key"
                + " column `id` (varchar) has collation utf8mb4_general_ci", "ignoring case", "ALTER TABLE `"
                + DATABASE + "`.`" + slot + "_t` MODIFY `id` varchar(10) COLLATE utf8mb4_nopad_bin NOT NULL (add the"
                + " column's DEFAULT and COMMENT", "a foreign key referencing the column must be dropped first");
        assertThat(target().strings("SELECT COUNT(*) FROM " + slot + "_t")).containsExactly("0");
    }

    /**
     * A binary PAD SPACE key column (utf8mb4_bin: what MySQL 5.7 has, and what tables of MySQL 8 were made with) holds
     * 'a' and 'a ' as one key: keys without trailing spaces apply, a change whose key ends in a space fails with the
     * fix instead of being written over the row of 'a'.
     */
    @Test
    void aPadSpaceBinaryKeyAppliesKeysButFailsAKeyEndingInASpace() throws Exception {
        String slot = uniqueSlot("maria_pad_key");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id text PRIMARY KEY, name text)");
        target().execute("CREATE TABLE " + table + " (id VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, name TEXT)"
                + " DEFAULT CHARSET=utf8mb4");
        FailedChanges failures = failingRoute(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES ('a', 'bare'), (' b', 'x'), ('c', 'gone')",
                "UPDATE " + table + " SET name = 'y' WHERE id = ' b'", "DELETE FROM " + table + " WHERE id = 'c'");
        String rows = "SELECT CONCAT('[', id, '] ', name) FROM " + table + " ORDER BY id";
        Await.until("the normal keys applied (failures: " + failures.errors + ")", Duration.ofSeconds(30),
                () -> target().strings(rows), List.of("[ b] y", "[a] bare")::equals);

        pg().execute("INSERT INTO " + table + " VALUES ('a ', 'padded')");

        assertThat(failures.awaitError()).contains("Target table \"" + DATABASE + "\".\"" + table + "\" key column"
                + " `id` (varchar) has collation utf8mb4_bin, which ignores trailing spaces", "ends in a space",
                "ALTER TABLE `" + DATABASE + "`.`" + table + "` MODIFY `id` varchar(10) COLLATE utf8mb4_nopad_bin"
                        + " NOT NULL");
        assertThat(target().strings(rows)).containsExactly("[ b] y", "[a] bare");
    }

    /**
     * A char(n) key comes padded from the source, and a table createTables made compares it as the source does: a
     * delete by it removes the row.
     */
    @Test
    void aCharKeyOfACreatedTableIsFoundByThePaddedValueTheSourceSends() throws Exception {
        String slot = uniqueSlot("maria_char_key");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id char(3) PRIMARY KEY, name text)");
        FailedChanges failed = failingRoute(slot, table, "createTables=true");
        pg().execute("INSERT INTO " + table + " VALUES ('ab', 'x'), ('cd', 'y')",
                "UPDATE " + table + " SET name = 'z' WHERE id = 'cd'", "DELETE FROM " + table + " WHERE id = 'ab'",
                "INSERT INTO " + table + " VALUES ('ef', 'last')");
        String rows = "SELECT CONCAT_WS(' ', id, name) FROM " + table + " ORDER BY id";
        Await.until("the last change applied (failures: " + failed.errors + ")", Duration.ofSeconds(30),
                () -> target().stringsOnceCreated(rows), r -> r.contains("ef last"));
        assertThat(target().strings(rows)).containsExactly("cd z", "ef last");
        assertThat(failed.errors).isEmpty();
    }

    /**
     * MariaDB's INSERT ... ON DUPLICATE KEY UPDATE updates the row any unique index matches. With a unique index
     * besides the key (one without every key column) the sink updates by key and inserts only when no row matched:
     * changes the source's own unique index allows apply (also an update that changes nothing); a change that conflicts
     * with the index fails naming it, and no other row is written over. An index holding the key columns, or an
     * AUTO_INCREMENT surrogate key the sink does not write, matches no other row (the fast path); an AUTO_INCREMENT
     * column the source writes too is an index like any other.
     */
    @Test
    void aConflictOnAnotherUniqueIndexFailsNamingItInsteadOfOverwritingAnotherRow() throws Exception {
        String mirrored = uniqueSlot("maria_other_unique");
        String conflict = uniqueSlot("maria_unique_conflict");
        String written = uniqueSlot("maria_written_autoinc");
        String withKey = mirrored + "_with_key";
        String surrogate = mirrored + "_surrogate";
        pg().execute("CREATE TABLE " + mirrored + "_t (id int PRIMARY KEY, email text UNIQUE, name text)",
                "CREATE TABLE " + conflict + "_t (id int PRIMARY KEY, email text, name text)",
                "CREATE TABLE " + written + "_t (id int PRIMARY KEY, sid int, name text)");
        for (String table : List.of(withKey, surrogate)) {
            pg().execute("CREATE TABLE " + table + "_t (id int PRIMARY KEY, email text, name text)");
        }
        target().execute("CREATE TABLE " + mirrored + "_t (id INT PRIMARY KEY, email VARCHAR(20), name TEXT,"
                        + " UNIQUE KEY by_email (email))",
                "CREATE TABLE " + conflict + "_t (id INT PRIMARY KEY, email VARCHAR(20), name TEXT,"
                        + " UNIQUE KEY by_email (email))",
                "CREATE TABLE " + written + "_t (sid BIGINT AUTO_INCREMENT PRIMARY KEY, id INT NOT NULL UNIQUE,"
                        + " name TEXT)",
                "CREATE TABLE " + withKey + "_t (id INT PRIMARY KEY, email VARCHAR(20), name TEXT,"
                        + " UNIQUE KEY by_email (email, id))",
                "CREATE TABLE " + surrogate + "_t (sid BIGINT AUTO_INCREMENT PRIMARY KEY, id INT NOT NULL UNIQUE,"
                        + " email VARCHAR(20), name TEXT)");
        FailedChanges applied = failingRoute(mirrored, mirrored + "_t," + withKey + "_t," + surrogate + "_t", "");
        FailedChanges conflicts = failingRoute(conflict, conflict + "_t", "");
        FailedChanges writtenConflicts = failingRoute(written, written + "_t", "");

        pg().execute("INSERT INTO " + mirrored + "_t VALUES (1, 'x', 'one'), (2, 'y', 'two')",
                "UPDATE " + mirrored + "_t SET email = 'w' WHERE id = 1",
                "INSERT INTO " + mirrored + "_t VALUES (3, 'x', 'three')",
                "UPDATE " + mirrored + "_t SET name = 'deux' WHERE id = 2",
                "UPDATE " + mirrored + "_t SET name = 'one' WHERE id = 1",
                "DELETE FROM " + mirrored + "_t WHERE id = 3",
                "INSERT INTO " + mirrored + "_t VALUES (4, 'x', 'four')");
        for (String table : List.of(withKey, surrogate)) {
            pg().execute("INSERT INTO " + table + "_t VALUES (1, 'x', 'one'), (2, 'x', 'two')");
        }
        String mirror = "SELECT CONCAT_WS(' ', id, email, name) FROM " + mirrored + "_t ORDER BY id";
        Await.until("the mirrored unique index's changes applied (failures: " + applied.errors + ")",
                Duration.ofSeconds(30), () -> target().strings(mirror), List.of("1 w one", "2 y deux", "4 x four")::equals);
        for (String table : List.of(withKey, surrogate)) {
            String rows = "SELECT CONCAT_WS(' ', id, email, name) FROM " + table + "_t ORDER BY id";
            Await.until("both rows applied to " + table + " (failures: " + applied.errors + ")",
                    Duration.ofSeconds(30), () -> target().strings(rows), List.of("1 x one", "2 x two")::equals);
        }
        assertThat(applied.errors).isEmpty();

        String conflicting = "SELECT CONCAT_WS(' ', id, email, name) FROM " + conflict + "_t ORDER BY id";
        String writtenRows = "SELECT CONCAT_WS(' ', id, sid, name) FROM " + written + "_t ORDER BY id";
        pg().execute("INSERT INTO " + conflict + "_t VALUES (1, 'x', 'one')",
                "INSERT INTO " + written + "_t VALUES (1, 5, 'one')");
        Await.until("the first rows applied", Duration.ofSeconds(30),
                () -> target().strings(conflicting).equals(List.of("1 x one"))
                        && target().strings(writtenRows).equals(List.of("1 5 one")));
        pg().execute("INSERT INTO " + conflict + "_t VALUES (2, 'x', 'two')",
                "INSERT INTO " + written + "_t VALUES (2, 5, 'two')");

        assertThat(conflicts.awaitError()).contains("duplicate entry for key by_email");
        assertThat(writtenConflicts.awaitError()).contains("duplicate entry for key PRIMARY");
        assertThat(target().strings(conflicting)).containsExactly("1 x one");
        assertThat(target().strings(writtenRows)).containsExactly("1 5 one");
    }

    @Test
    void softDeleteRefusesAUniqueIndexBesidesTheKey() throws Exception {
        softDeleteRefusesAnotherUniqueIndex(uniqueSlot("maria_soft_unique"), t -> "CREATE TABLE " + t + " (id INT"
                + " PRIMARY KEY, email VARCHAR(20), _pgcdc_deleted BOOLEAN NOT NULL DEFAULT false,"
                + " UNIQUE KEY by_email (email))", null);
    }

    @Test
    void softDeleteAKeyChangeOntoATombstoneMovesTheUnchangedDoc() throws Exception {
        moveOntoATombstone(uniqueSlot("maria_tombstone"), t -> "CREATE TABLE " + t + " (id INT PRIMARY KEY, name TEXT,"
                + " doc LONGTEXT, _pgcdc_deleted BOOLEAN NOT NULL DEFAULT false)");
    }

    /**
     * A writer blocked on a row another session locked in the target does not outlive its route: stopping aborts its
     * connection once the writer did not end in time, and the writer thread and its session go.
     */
    @Test
    void stoppingEndsAWriterBlockedOnALockInTheTarget() throws Exception {
        String slot = uniqueSlot("maria_blocked");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text)");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name TEXT)");
        route(slot, table, "");
        CamelContext context = contexts.get(contexts.size() - 1);
        context.getShutdownStrategy().setTimeout(1);
        context.getExecutorServiceManager().setShutdownAwaitTermination(1000);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a')");
        Await.until("the insert applied", Duration.ofSeconds(30), () -> target().strings("SELECT name FROM " + table),
                List.of("a")::equals);
        try (Connection locker = DriverManager.getConnection(SqlDatabase.mariaDbUrl(DATABASE), "root", "");
             Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("SELECT * FROM " + table + " WHERE id = 1 FOR UPDATE");
            String lockerId;
            try (ResultSet id = statement.executeQuery("SELECT CONNECTION_ID()")) {
                id.next();
                lockerId = id.getString(1);
            }
            String sinkSessions = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" + DATABASE
                    + "' AND ID NOT IN (CONNECTION_ID(), " + lockerId + ")";
            pg().execute("UPDATE " + table + " SET name = 'b' WHERE id = 1");
            // the waiting statement's transaction is not listed in INNODB_TRX as LOCK WAIT (MariaDB 10.11)
            Await.until("the sink waiting for the row lock", Duration.ofSeconds(30), () -> target().strings(
                    sinkSessions + " AND COMMAND = 'Query' AND INFO LIKE 'INSERT%'"), List.of("1")::equals);

            context.stop();
            Await.until("the writer thread gone", Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet()
                    .stream().noneMatch(t -> t.getName().endsWith("pgcdc-sink-maria")));
            Await.until("the writer's session gone", Duration.ofSeconds(10), () -> target().strings(sinkSessions),
                    List.of("0")::equals);
            assertThat(target().strings("SELECT name FROM " + table)).containsExactly("a");
        }
    }

    @Test
    void softDeleteWithTableMappingAndExcludedColumns() throws Exception {
        String slot = uniqueSlot("maria_soft");
        target().execute("CREATE TABLE `Copy` (id INT PRIMARY KEY, name TEXT,"
                + " _pgcdc_deleted BOOLEAN NOT NULL DEFAULT FALSE)");
        String table = replicateSoftDeletes(slot, DATABASE + ".\"Copy\"");
        String rows = "SELECT CONCAT_WS(' ', id, name, _pgcdc_deleted) FROM `Copy` ORDER BY id";
        Await.until("soft deletes applied", Duration.ofSeconds(30), () -> target().strings(rows),
                List.of("1 a 1", "2 again 0")::equals);

        pg().execute("TRUNCATE " + table);
        Await.until("truncate marks every row deleted", Duration.ofSeconds(30), () -> target().strings(rows),
                List.of("1 a 1", "2 again 1")::equals);
    }

    @Test
    void withoutTargetSchemaTablesGoIntoTheDatabaseOfTheJdbcUrl() throws Exception {
        // neither a MariaDB database named after the source schema (public) nor one created on the fly
        String slot = uniqueSlot("maria_url_db");
        String table = slot + "_t";
        String mapped = slot + "_m";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name varchar(20))",
                "CREATE TABLE " + mapped + " (id int PRIMARY KEY, name varchar(20))");
        FailedChanges failed = failingRouteTo(slot, table + "," + mapped, "pgcdc-sink:maria?jdbcUrl="
                + SqlDatabase.mariaDbUrl(DATABASE) + "&user=root&createTables=true&tableMapping=" + mapped + ":"
                + mapped + "_copy");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'one')", "INSERT INTO " + mapped + " VALUES (2, 'two')");

        for (String target : List.of(table, mapped + "_copy")) {
            Await.until(target + " in " + DATABASE + " (failures: " + failed.errors + ")", Duration.ofSeconds(30),
                    () -> target().stringsOnceCreated("SELECT CONCAT_WS(' ', id, name) FROM " + target),
                    rows -> rows.size() == 1);
        }
        assertThat(target().strings("SELECT CONCAT_WS(' ', id, name) FROM " + table)).containsExactly("1 one");
        assertThat(target().strings("SELECT CONCAT_WS(' ', id, name) FROM " + mapped + "_copy"))
                .containsExactly("2 two");
        assertThat(failed.errors).isEmpty();
    }

    @Test
    void everyValueTypeIsStoredInItsDocumentedForm() throws Exception {
        String slot = uniqueSlot("maria_types");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, data bytea, meta jsonb, doc json, ints int[],"
                + " texts text[], u uuid, at timestamptz, at_ts timestamptz, amount numeric(14,4), big numeric,"
                + " flag boolean, d date, t time, tz timetz, n bigint, r double precision, lt timestamp)");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, data BLOB, meta JSON, doc JSON, ints JSON,"
                + " texts JSON, u CHAR(36), at DATETIME(6), at_ts TIMESTAMP(6) NULL, amount DECIMAL(14,4),"
                + " big DECIMAL(40,10), flag BOOLEAN, d DATE, t TIME(6), tz VARCHAR(32), n BIGINT, r DOUBLE, lt DATETIME(6))");
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " VALUES (1, '\\x00ff10', '{\"b\": [1, 2.50, null], \"a\": \"x\\\"y\"}',"
                + " '{\"z\": 1,  \"a\": 1.0}', '{1,NULL,-3}', '{\"a b\",\"c\\\"d\",NULL,\"\"}',"
                + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-01-02 03:04:05.123456+02',"
                + " '2026-07-01 23:30:00.5-05', 12345678.9012, -123456789012345678901234567890.0000000001, true,"
                + " '2026-02-28', '13:14:15.5', '13:14:15.25+02', 9007199254740993, 0.1,"
                + " '2026-03-04 05:06:07.000001')",
                "INSERT INTO " + table + " (id) VALUES (2)",
                "INSERT INTO " + table + " VALUES (3, '', '[]', 'null', '{}', '{}', NULL, '1970-01-01 00:00:00+00',"
                        + " NULL, 0, 0, false, '0001-01-01', '24:00:00', '00:00+00', -1, -0.5, '2000-01-01')");
        String values = "SELECT CONCAT_WS(' | ', id, COALESCE(HEX(data), 'NULL'), COALESCE(meta, 'NULL'),"
                + " COALESCE(doc, 'NULL'), COALESCE(ints, 'NULL'), COALESCE(texts, 'NULL'), COALESCE(u, 'NULL'),"
                + " COALESCE(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), 'NULL'),"
                + " COALESCE(UNIX_TIMESTAMP(at_ts), 'NULL'), COALESCE(amount, 'NULL'), COALESCE(big, 'NULL'),"
                + " COALESCE(flag, 'NULL'), COALESCE(d, 'NULL'), COALESCE(t, 'NULL'), COALESCE(tz, 'NULL'),"
                + " COALESCE(n, 'NULL'), COALESCE(r, 'NULL'), COALESCE(lt, 'NULL')) FROM " + table + " ORDER BY id";
        List<String> expected = List.of(
                "1 | 00FF10 | {\"a\":\"x\\\"y\",\"b\":[1,2.50,null]} | {\"z\":1,\"a\":1.0} | [1,null,-3]"
                        + " | [\"a b\",\"c\\\"d\",null,\"\"] | a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
                        + " | 2026-01-02 01:04:05.123456 | 1782966600.500000 | 12345678.9012"
                        + " | -123456789012345678901234567890.0000000001 | 1 | 2026-02-28 | 13:14:15.500000"
                        + " | 13:14:15.25+02 | 9007199254740993 | 0.1"
                        + " | 2026-03-04 05:06:07.000001",
                "2 | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL | NULL"
                        + " | NULL | NULL | NULL",
                "3 |  | [] | null | [] | [] | NULL | 1970-01-01 00:00:00.000000 | NULL | 0.0000 | 0.0000000000 | 0"
                        + " | 0001-01-01 | 24:00:00.000000 | 00:00:00+00 | -1 | -0.5"
                        + " | 2000-01-01 00:00:00.000000");
        Await.until("three rows stored", Duration.ofSeconds(30), () -> target().strings(values), v -> v.size() == 3);
        assertThat(target().strings(values)).isEqualTo(expected);

        // an update of every column to NULL writes NULLs
        pg().execute("UPDATE " + table + " SET data = NULL, meta = NULL, doc = NULL, ints = NULL, texts = NULL,"
                + " u = NULL, at = NULL, at_ts = NULL, amount = NULL, big = NULL, flag = NULL, d = NULL, t = NULL,"
                + " tz = NULL, n = NULL, r = NULL, lt = NULL WHERE id = 1");
        Await.until("row 1 all NULL", Duration.ofSeconds(30), () -> target().strings(values).get(0),
                expected.get(1).replaceFirst("2", "1")::equals);
    }

    /**
     * MariaDB's message is kept when it names only identifiers (a NULL for a NOT NULL column), and told by a fixed
     * text naming the column when it quotes the value (an incorrect integer).
     */
    @Test
    void mariaDbErrorsNameTheirColumnButNotTheValue() throws Exception {
        String slot = uniqueSlot("maria_refused");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n int, amount text)");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, n INT NOT NULL, amount INT)");
        List<String> errors = handlingRoute(slot, List.of(table), "");
        pg().execute("INSERT INTO " + table + " VALUES (1, NULL, '1'), (2, 2, 'zq''xw')");
        Await.until("two failures", Duration.ofSeconds(30), () -> errors.size() >= 2);
        assertThat(errors.get(0)).contains("Column 'n' cannot be null");
        assertThat(errors.get(1)).contains("incorrect value for column amount");
        assertThat(errors.get(1)).doesNotContain("zq", "xw");
    }

    @Test
    void nanAndInfiniteNumbersWhichMariaDbCannotStoreAreClearErrors() throws Exception {
        String slot = uniqueSlot("maria_nan");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, n numeric, r double precision)");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, n DECIMAL(10,2), r DOUBLE)");
        List<String> errors = handlingRoute(slot, List.of(table), "");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'NaN', 0), (2, 0, '-Infinity'), (3, 1.5, 2.5)");
        Await.until("two failures", Duration.ofSeconds(30), () -> errors.size() >= 2);
        assertThat(errors.get(0)).contains("Could not apply change c of public." + table,
                "MariaDB and MySQL cannot store a NaN or infinite Double");
        assertThat(errors.get(1)).contains("(key id)", "MariaDB and MySQL cannot store a NaN or infinite Double")
                .doesNotContain("Infinity");
        // the change after them in the same transaction is applied (the route handled the failures)
        Await.until("row 3 applied", Duration.ofSeconds(30),
                () -> target().strings("SELECT CONCAT_WS(' ', id, n, r) FROM " + table), List.of("3 1.50 2.5")::equals);
    }

    @Test
    void datesOutsideMariaDbsRangeAreClearErrorsNotZeroDates() throws Exception {
        String slot = uniqueSlot("maria_dates");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, d date, ts timestamptz)");
        target().execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, d DATE, ts DATETIME(6))");
        // a lenient server would store these as zero dates, a strict one refuse them less clearly
        List<String> errors = handlingRoute(slot, List.of(table), "");
        pg().execute("INSERT INTO " + table + " VALUES (1, 'infinity', NULL), (2, '0044-03-15 BC', NULL),"
                + " (3, NULL, '-infinity'), (4, '9999-12-31', '9999-12-31 23:59:59+00')");
        Await.until("three failures", Duration.ofSeconds(30), () -> errors.size() >= 3);
        assertThat(errors).allSatisfy(error -> assertThat(error)
                .contains("MariaDB and MySQL cannot store", "years 1 to 9999"));
        Await.until("row 4 applied", Duration.ofSeconds(30),
                () -> target().strings("SELECT CONCAT_WS(' ', id, d, ts) FROM " + table),
                List.of("4 9999-12-31 9999-12-31 23:59:59.000000")::equals);
    }

    @Test
    void badTargetsAreClearErrorsOnTheirExchangesAndNothingIsAcknowledgedUntilFixed() throws Exception {
        String missingTable = uniqueSlot("maria_no_table");
        String missingColumn = uniqueSlot("maria_no_column");
        String noKey = uniqueSlot("maria_no_key");
        for (String slot : List.of(missingTable, missingColumn, noKey)) {
            pg().execute("CREATE TABLE " + slot + "_t (id int PRIMARY KEY, name text)");
        }
        // a look-alike of the missing table: '_' is a wildcard in JDBC metadata patterns, and must not match it
        target().execute("CREATE TABLE " + (missingTable + "_t").replace('_', 'x') + " (id INT PRIMARY KEY, name TEXT)",
                "CREATE TABLE " + missingColumn + "_t (id INT PRIMARY KEY)",
                appendTable(noKey + "_t", "DATETIME(6)"), "ALTER TABLE " + noKey + "_t DROP PRIMARY KEY");
        FailedChanges tableFailures = failingRoute(missingTable, missingTable + "_t", "");
        FailedChanges columnFailures = failingRoute(missingColumn, missingColumn + "_t", "");
        FailedChanges keyFailures = failingRoute(noKey, noKey + "_t", "mode=append");
        for (String slot : List.of(missingTable, missingColumn, noKey)) {
            pg().execute("INSERT INTO " + slot + "_t VALUES (1, 'a')");
        }

        assertThat(tableFailures.awaitError()).contains("Could not apply change c of public." + missingTable + "_t",
                "Target table \"" + DATABASE + "\".\"" + missingTable + "_t\" does not exist");
        assertThat(columnFailures.awaitError()).contains("Could not apply change c of public." + missingColumn + "_t",
                "has no column(s) [name]");
        assertThat(keyFailures.awaitError()).contains("Could not apply change c of public." + noKey + "_t",
                "needs a primary key or unique index on exactly [_pgcdc_commit_lsn, _pgcdc_seq]");
        for (FailedChanges failed : List.of(tableFailures, columnFailures, keyFailures)) {
            failed.assertNotAcknowledged();
        }
        assertThat(target().strings("SELECT COUNT(*) FROM " + missingColumn + "_t")).containsExactly("0");
        assertThat(target().strings("SELECT COUNT(*) FROM " + noKey + "_t")).containsExactly("0");

        // fixed targets: the consumer delivers the failed changes again and the sink applies them
        target().execute("CREATE TABLE " + missingTable + "_t (id INT PRIMARY KEY, name TEXT)",
                "ALTER TABLE " + missingColumn + "_t ADD COLUMN name TEXT",
                "ALTER TABLE " + noKey + "_t ADD PRIMARY KEY (_pgcdc_commit_lsn, _pgcdc_seq)");
        for (String slot : List.of(missingTable, missingColumn, noKey)) {
            Await.until(slot + " applied after the fix", Duration.ofSeconds(30),
                    () -> target().strings("SELECT CONCAT(id, name) FROM " + slot + "_t"), List.of("1a")::equals);
        }
    }
}
