package dev.pgcdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The snapshot's row estimate for a table never analysed, whose reltuples is -1 (PostgreSQL 14+) or 0 (older): the
 * planner would take it for at least 10 pages, thousands of rows.
 */
class TableLayoutEstimateTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    /** The oldest major there are binaries for and the default one: reltuples means "unknown" differently. */
    static Stream<Integer> oldestAndDefaultMajor() {
        return Stream.of(PostgresExtension.availableMajors().findFirst().orElseThrow(), PG.server().major())
                .distinct();
    }

    @ParameterizedTest
    @MethodSource("oldestAndDefaultMajor")
    void aSmallTableNeverAnalysedIsCountedNotEstimatedAtTenPages(int major) throws Exception {
        PostgresServer server = PG.forMajor(major);
        TableName table = TableName.of("public", "estimate_" + major);
        String publication = "estimate_pub_" + major;
        server.execute("CREATE TABLE " + table.quoted() + " (\"id\" int PRIMARY KEY, \"note\" text)",
                "INSERT INTO " + table.quoted() + " VALUES (1, 'one')",
                "CREATE PUBLICATION \"" + publication + "\" FOR TABLE " + table.quoted());
        PgConnector connector = new PgConnector(new ConnectionSettings(server.host(), server.port(), "postgres",
                server.superuser(), server.superuserPassword(), 10));
        SnapshotOptions options = new SnapshotOptions("estimate", publication, SnapshotMode.INITIAL, Set.of(), 100,
                1, TableName.of("public", "pgcdc_signal"), TableName.of("public", "pgcdc_snapshot_state"),
                Duration.ofMillis(100), TableFilter.ALL, ColumnFilter.ALL, false);

        try (Connection connection = connector.openJdbc("estimate test")) {
            assertThat(TableLayout.of(new PgCatalog(connection), table, options).estimatedRows()).isEqualTo(1);
        }
    }
}
