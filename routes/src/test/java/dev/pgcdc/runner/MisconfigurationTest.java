package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken route fails at once with Camel's message naming what is wrong; it never hangs. */
class MisconfigurationTest {

    /** Nothing listens there: a configured host keeps the runner from starting its embedded database. */
    private static final String[] UNREACHABLE = {"pgcdc.host=127.0.0.1", "pgcdc.port=1"};

    @TempDir
    Path dir;

    @Test
    void aWrongOptionNameIsNamedInTheError() throws IOException {
        assertThat(startFailure("""
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}"
                      parameters:
                        statusIntervall: 500
                      steps:
                        - log: "${body}"
                """)).contains("statusIntervall").contains("Unknown parameters");
    }

    @Test
    void anUnknownStepIsNamedInTheError() throws IOException {
        assertThat(startFailure("""
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}"
                      steps:
                        - lgo: "${body}"
                """)).contains("lgo");
    }

    @Test
    void malformedYamlIsReportedWithItsPosition() throws IOException {
        assertThat(startFailure("""
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}
                      steps: [
                """)).contains("line");
    }

    /** The messages of the whole cause chain of the runner's start failure. */
    private String startFailure(String yaml) throws IOException {
        Path route = Files.writeString(dir.resolve("broken.yaml"), yaml);
        Throwable failure = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> catchThrowable(() -> RunningRoutes.start(route, UNREACHABLE).close()));
        assertThat(failure).as("starting a broken route must fail").isNotNull();
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.append(cause).append('\n');
        }
        return messages.toString();
    }
}
