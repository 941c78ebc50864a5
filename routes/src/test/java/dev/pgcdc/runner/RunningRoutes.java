package dev.pgcdc.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One YAML route run in-process by the runner's own {@link Main}, configured the way a user would, with
 * {@code key=value} arguments: the one way tests run an integration.
 */
final class RunningRoutes implements AutoCloseable {

    private final Main main;

    private RunningRoutes(Main main) {
        this.main = main;
    }

    /** Starts the route against a test server, capturing {@code tables} through {@code slot}, once it streams. */
    static RunningRoutes capture(PostgresServer pg, String slot, String tables, Path route, String... properties) {
        List<String> arguments = new ArrayList<>(List.of("pgcdc.host=" + pg.host(), "pgcdc.port=" + pg.port(),
                "pgcdc.user=" + pg.superuser(), "pgcdc.password=" + pg.superuserPassword(), "pgcdc.slot=" + slot,
                "pgcdc.tables=" + tables,
                // the tests assert exact streamed sequences; a snapshot's reads of rows written meanwhile are correct
                // (they converge) but would add r events to them
                "camel.component.pgcdc.snapshotMode=never"));
        arguments.addAll(List.of(properties));
        RunningRoutes routes = start(route, arguments.toArray(String[]::new));
        Await.until("slot " + slot + " streaming", Duration.ofSeconds(30), () -> pg.replicationSlots().stream()
                .anyMatch(s -> s.slotName().equals(slot) && s.active()));
        return routes;
    }

    /** Starts the route; fails as the runner would if the route or its configuration is wrong. */
    static RunningRoutes start(Path route, String... properties) {
        // tests of integrations need no HTTP server, and several test JVMs may run at once: the default port would clash
        List<String> arguments = new ArrayList<>(List.of(route.toString(), "camel.server.enabled=false"));
        arguments.addAll(List.of(properties));
        Main main = PgCdcRunner.newMain(RunnerArguments.parse(arguments.toArray(String[]::new)));
        RunningRoutes routes = new RunningRoutes(main);
        try {
            main.start();
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        return routes;
    }

    /** A shipped integration, by file name. */
    static Path integration(String fileName) {
        return Path.of("integrations", fileName);
    }

    /** What {@code java -jar} would exit with once Main ends. */
    int exitCode() {
        return main.getExitCode();
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        main.stop();
    }
}
