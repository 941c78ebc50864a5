package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RunnerArgumentsTest {

    @Test
    void withoutRoutesRunsTheDefaultRoute() {
        assertThat(RunnerArguments.parse().routesIncludePattern()).isEqualTo(RunnerArguments.DEFAULT_ROUTE);
    }

    @Test
    void separatesRoutesPropertiesAndCamelOptionsInAnyOrder() {
        RunnerArguments arguments = RunnerArguments.parse("-d", "30", "integrations/webhook.yaml",
                "webhook.url=http://x/?a=b", "-t", "integrations", "classpath:more.yaml");
        Path integrations = Path.of("integrations").toAbsolutePath();
        assertThat(arguments.routeLocations()).containsExactly("file:" + integrations.resolve("webhook.yaml"),
                "file:" + integrations + "/*.yaml", "classpath:more.yaml");
        assertThat(arguments.properties()).isEqualTo(Map.of("webhook.url", "http://x/?a=b"));
        assertThat(arguments.camelOptions()).containsExactly("-d", "30", "-t");
    }

    @Test
    void aMissingRouteFileFailsAtOnce() {
        assertThatThrownBy(() -> RunnerArguments.parse("no-such-route.yaml"))
                .hasMessageContaining("no-such-route.yaml");
    }
}
