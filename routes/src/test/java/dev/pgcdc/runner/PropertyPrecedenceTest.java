package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties, weakest first: the runner's defaults, environment variables, {@code key=value} arguments. The build
 * sets {@code PGCDC_PRECEDENCE_PROBE=environment} for this test (routes/pom.xml).
 */
class PropertyPrecedenceTest {

    private static final String PROBE = "pgcdc.precedence.probe";

    @TempDir
    Path dir;

    @Test
    void anArgumentOverridesTheEnvironment() throws IOException {
        assertThat(System.getenv("PGCDC_PRECEDENCE_PROBE")).as("set by the build").isEqualTo("environment");
        assertThat(resolve(PROBE + "=argument")).isEqualTo("argument");
    }

    @Test
    void theEnvironmentOverridesTheDefaults() throws IOException {
        assertThat(resolve()).isEqualTo("environment");
    }

    @Test
    void anArgumentOverridesTheDefaults() throws IOException {
        try (RunningRoutes routes = start("pgcdc.slot=from_argument")) {
            assertThat(routes.context().resolvePropertyPlaceholders("{{pgcdc.slot}}")).isEqualTo("from_argument");
        }
    }

    private String resolve(String... arguments) throws IOException {
        try (RunningRoutes routes = start(arguments)) {
            return routes.context().resolvePropertyPlaceholders("{{" + PROBE + "}}");
        }
    }

    /** A route without a pgcdc endpoint: the properties are resolved by a started Main, no database needed. */
    private RunningRoutes start(String... arguments) throws IOException {
        Path route = Files.writeString(dir.resolve("files.yaml"), """
                - route:
                    from:
                      uri: "file:%s?noop=true"
                      steps:
                        - log: "probe"
                """.formatted(dir.resolve("in")));
        String[] all = new String[arguments.length + 1];
        // a configured host keeps the runner from starting its embedded database
        all[0] = "pgcdc.host=127.0.0.1";
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return RunningRoutes.start(route, all);
    }
}
