package dev.pgcdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.pgcdc.connect.ConnectionSettings;
import dev.pgcdc.connect.PgConnector;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.filter.TableFilter;
import dev.pgcdc.pg.PgCatalog;
import dev.pgcdc.pg.TableName;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

/**
 * A chunk read that ends in an Error (a decoder's StackOverflowError, an OutOfMemoryError) after its window was
 * registered takes the window away again, as any other failure does: left registered, the window would open at its
 * low watermark and, never closed by a high watermark, collect every key its table changes until the session ends.
 */
class RangeSnapshotFailureTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().build();

    private static final String SLOT = "range_failure";
    private static final String CHUNK = "chunk-1";

    @Test
    void aChunkReadEndingInAnErrorUnregistersItsWindow() throws Exception {
        PostgresServer server = PG.server();
        TableName table = TableName.of("public", "range_failure_t");
        TableName signals = TableName.of("public", "pgcdc_signal");
        server.execute("CREATE TABLE " + table.quoted() + " (\"id\" int PRIMARY KEY)",
                "INSERT INTO " + table.quoted() + " SELECT g FROM generate_series(1, 10) g",
                "CREATE PUBLICATION \"range_failure_pub\" FOR TABLE " + table.quoted(), SignalTable.ddl(signals));
        PgConnector connector = new PgConnector(new ConnectionSettings(server.host(), server.port(), "postgres",
                server.superuser(), server.superuserPassword(), 10));
        SnapshotOptions options = new SnapshotOptions(SLOT, "range_failure_pub", SnapshotMode.INITIAL, Set.of(), 100,
                1, signals, TableName.of("public", "pgcdc_snapshot_state"), Duration.ofMillis(100), TableFilter.ALL,
                ColumnFilter.ALL, false);
        SnapshotTap tap = new SnapshotTap(SLOT, signals, options.stateTable(), signal -> { });
        TableSnapshot.Context context = new TableSnapshot.Context(connector, SLOT, new ChunkReader(100),
                new SignalTable(signals, SLOT), tap, new RepositoryStateStore(new MemoryStateRepository(), SLOT),
                () -> CHUNK, () -> false, Duration.ofMillis(100), new ReadAhead(1));
        TableLayout layout;
        try (Connection connection = connector.openJdbc("range failure test")) {
            layout = TableLayout.of(new PgCatalog(connection), table, options);
        }
        TableSnapshot snapshot = new TableSnapshot(context, layout);
        assertThat(snapshot.plan(1)).containsExactly(0);

        try (Connection connection = connector.openJdbc("range failure test")) {
            Throwable thrown = catchThrowable(() -> new RangeSnapshot(snapshot, 0).snapshot(failingCopy(connection)));
            assertThat(thrown).isInstanceOf(StackOverflowError.class);
        }
        assertThat(tap.isRegistered(CHUNK)).as("the failed chunk's window registered").isFalse();
        assertThat(context.readAhead().held()).as("read-ahead permits held").isZero();
    }

    /** The connection, whose chunk COPY (the one caller of unwrap) fails with an Error, as a decoder's would. */
    private static Connection failingCopy(Connection connection) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("unwrap") && args[0] == PGConnection.class) {
                        throw new StackOverflowError();
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
