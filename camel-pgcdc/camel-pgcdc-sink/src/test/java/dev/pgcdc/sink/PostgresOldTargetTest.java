package dev.pgcdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgcdc → pgcdc-sink into the oldest PostgreSQL major the sink writes to (10), the source being the newest. */
class PostgresOldTargetTest extends SinkTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();
    static final int TARGET_MAJOR = 10;
    static final String TARGET = "sink_target";

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void createTarget() {
        PG.forMajor(TARGET_MAJOR).createDatabase(TARGET);
    }

    private static PostgresServer targetServer() {
        return PG.forMajor(TARGET_MAJOR);
    }

    @Override
    protected SqlDatabase target() {
        PostgresServer server = targetServer();
        return new SqlDatabase(() -> server.connectTo(TARGET));
    }

    @Override
    protected String sinkUri(String options) {
        PostgresServer server = targetServer();
        return "pgcdc-sink:replica?jdbcUrl=" + server.jdbcUrl(TARGET) + "&user=" + server.superuser()
                + (options.isEmpty() ? "" : "&" + options);
    }

    /**
     * Upserts and runs of deletes, by a quoted key column: the unique keys are read from a catalog without
     * {@code indnkeyatts} (PostgreSQL 11 added it, with INCLUDE columns).
     */
    @Test
    void upsertsAndDeletesIntoPostgres10() throws Exception {
        String slot = uniqueSlot("pg10");
        String table = slot + "_t";
        String create = "CREATE TABLE " + table + " (\"Id col\" int PRIMARY KEY, name text)";
        pg().execute(create);
        target().execute(create);
        assertThat(target().strings("SHOW server_version_num").get(0)).startsWith(String.valueOf(TARGET_MAJOR));
        route(slot, table, "");
        pg().execute("INSERT INTO " + table + " SELECT g, 'n' || g FROM generate_series(1, 10) g",
                "UPDATE " + table + " SET name = 'renamed' WHERE \"Id col\" = 1",
                "DELETE FROM " + table + " WHERE \"Id col\" BETWEEN 5 AND 9");
        target().awaitRowsEqual(table, source(), table);
    }
}
