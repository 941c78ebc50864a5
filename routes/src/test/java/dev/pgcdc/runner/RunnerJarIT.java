package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgcdc.embedded.junit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a new user runs it: {@code java -jar pgcdc-routes.jar} with no configuration
 * shows JSON change events from the embedded database, and SIGTERM stops it leaving nothing behind.
 */
class RunnerJarIT {

    /** "PostgreSQL 18.6 started on 127.0.0.1:35385 in /tmp/pgcdc-cluster-123/data as user postgres" */
    private static final Pattern CLUSTER_STARTED = Pattern.compile("PostgreSQL \\S+ started on \\S+ in (\\S+)/data");
    /** A line of a stack trace: "\tat org.postgresql.core.PGStream.receiveChar(PGStream.java:467)". */
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at \\S+\\(");
    /** Exit status of a JVM that ran its shutdown hooks on SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;

    @TempDir
    Path workingDir;

    @Test
    void printsChangeEventsFromTheEmbeddedDatabaseAndStopsCleanlyOnSigterm() throws Exception {
        // a free port for the runner's HTTP server: 8080 may be taken where the build runs
        Process runner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("pgcdc.runner.jar"), "camel.server.port=" + OperatorPageIT.freePort())
                .directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workingDir.resolve("console.txt").toFile()).start();
        Output output = new Output(workingDir.resolve("console.txt"));
        try {
            // r: the snapshot of the demo's first customers, printed like any other change
            List<JsonNode> events = Await.until("JSON change events of snapshot reads, inserts, updates and deletes",
                    Duration.ofSeconds(120), output::changeEvents,
                    list -> list.stream().map(e -> e.get("op").asText()).collect(Collectors.toSet())
                            .containsAll(List.of("r", "c", "u", "d")));
            assertThat(events).allSatisfy(e -> assertThat(e.get("table").asText()).isIn("customers", "orders"));
            Path clusterDir = output.clusterDir().orElseThrow();
            long postmaster = Long.parseLong(Files.readAllLines(clusterDir.resolve("data/postmaster.pid")).get(0));

            runner.destroy(); // SIGTERM
            assertThat(runner.waitFor(60, TimeUnit.SECONDS)).as("runner exits after SIGTERM").isTrue();
            assertThat(runner.exitValue()).as(output.text()).isEqualTo(SIGTERM_EXIT);
            assertThat(ProcessHandle.of(postmaster).filter(ProcessHandle::isAlive)).as("postmaster " + postmaster).isEmpty();
            assertThat(clusterDir).doesNotExist();
            // the database outlives the routes: no lost connection is reported at SIGTERM, nor any stack trace
            assertThat(output.text()).contains("Embedded PostgreSQL stopped and deleted").doesNotContain(" ERROR ")
                    .doesNotContain("Exception").doesNotContain("lost or refused").doesNotContain("terminating connection");
            assertThat(output.lines()).noneMatch(line -> STACK_FRAME.matcher(line).find());
        } finally {
            runner.destroyForcibly();
        }
    }

    @Test
    void aFailedStartIsReportedOnceWithoutStackTraceAndExitsNonZero() throws Exception {
        Path route = Files.writeString(workingDir.resolve("misspelt.yaml"), """
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}"
                      parameters:
                        statusIntervall: 500
                      steps:
                        - log: "${body}"
                """);
        Process runner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("pgcdc.runner.jar"), route.toString(), "pgcdc.host=127.0.0.1",
                "pgcdc.port=1", "camel.server.enabled=false")
                .directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workingDir.resolve("console.txt").toFile()).start();
        try {
            assertThat(runner.waitFor(60, TimeUnit.SECONDS)).as("runner exits").isTrue();
            Output output = new Output(workingDir.resolve("console.txt"));
            assertThat(runner.exitValue()).as(output.text()).isEqualTo(1);
            // the unknown parameter is named, its value masked: it may be a misspelt secret
            assertThat(output.text().split("statusIntervall=xxxxxx\\}", -1)).as(output.text()).hasSize(2);
            assertThat(output.text()).doesNotContain("statusIntervall=500");
            assertThat(output.text()).contains("pgcdc did not start: ").doesNotContain("Exception in thread");
            assertThat(output.lines()).noneMatch(line -> STACK_FRAME.matcher(line).find());
        } finally {
            runner.destroyForcibly();
        }
    }

    /**
     * A secret given to an option that does not bind, as a property or in a route's URI, is printed nowhere: not in
     * the one line, nor in the stack trace the runner logs at DEBUG. (Camel's own DEBUG logging lists the properties
     * it configures, values included.)
     */
    @Test
    void aStartFailingToBindASecretPrintsItNowhere() throws Exception {
        Path debug = Files.writeString(workingDir.resolve("log4j2-debug.xml"), """
                <Configuration status="WARN">
                  <Appenders><Console name="console" target="SYSTEM_OUT"><PatternLayout pattern="%-5level %msg%n"/></Console></Appenders>
                  <Loggers>
                    <Logger name="dev.pgcdc.runner.PgCdcRunner" level="DEBUG"/>
                    <Root level="INFO"><AppenderRef ref="console"/></Root>
                  </Loggers>
                </Configuration>
                """);
        String propertySecret = "Pr0perty-S3cret";
        Output property = failedStart("property.txt", "-Dlog4j.configurationFile=" + debug,
                "camel.component.pgcdc.passphrase=" + propertySecret);
        assertThat(property.text()).contains("pgcdc did not start: Error binding property camel.component.pgcdc.passphrase")
                .contains("org.apache.camel.PropertyBindingException: Error binding property").doesNotContain(propertySecret);

        String uriSecret = "Ur1-S3cret";
        Path route = Files.writeString(workingDir.resolve("secret.yaml"), """
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}"
                      parameters:
                        sslPasword: %s
                      steps:
                        - log: "${body}"
                """.formatted(uriSecret));
        Output uri = failedStart("uri.txt", "-Dlog4j.configurationFile=" + debug, route.toString());
        assertThat(uri.text()).contains("pgcdc did not start: ").contains("sslPasword=xxxxxx").doesNotContain(uriSecret);
    }

    /** Runs the runner with a database that cannot be reached, expecting it to fail at start. */
    private Output failedStart(String console, String jvmOption, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), jvmOption, "-jar", System.getProperty("pgcdc.runner.jar"), "pgcdc.host=127.0.0.1",
                "pgcdc.port=1", "camel.server.enabled=false"));
        command.addAll(List.of(arguments));
        Process runner = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workingDir.resolve(console).toFile()).start();
        try {
            assertThat(runner.waitFor(60, TimeUnit.SECONDS)).as("runner exits").isTrue();
            Output output = new Output(workingDir.resolve(console));
            assertThat(runner.exitValue()).as(output.text()).isEqualTo(1);
            return output;
        } finally {
            runner.destroyForcibly();
        }
    }

    /**
     * The runner's console, captured in a file: reading the pipe instead races with the JDK draining it when the
     * process exits, losing the last lines.
     */
    private record Output(Path file) {

        List<String> lines() {
            try {
                return Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return String.join("\n", lines());
        }

        /** The change events: lines of the pgcdc.changes logger, JSON after the logger name. */
        List<JsonNode> changeEvents() {
            return lines().stream().filter(line -> line.contains(" changes ") && line.contains("{"))
                    .map(line -> IntegrationsTest.parse(line.substring(line.indexOf('{')))).toList();
        }

        Optional<Path> clusterDir() {
            return lines().stream().map(CLUSTER_STARTED::matcher).filter(Matcher::find).map(m -> Path.of(m.group(1)))
                    .findFirst();
        }
    }
}
