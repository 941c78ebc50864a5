package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.HostAuth;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's HTTP server has no login: no response of it, JSON or text, and no line of the runner's output holds
 * a secret, wherever the user gave it: the source password in {@code PGCDC_PASSWORD} and on the endpoint URI, the
 * sink's password on its URI, a broker password as a bean property, Kafka's JAAS password from a system property.
 */
class ConsoleSecretsIT {

    private static final String SOURCE_PASSWORD = secret("SourcePw");
    private static final String SINK_PASSWORD = secret("SinkPw");
    private static final String BROKER_PASSWORD = secret("BrokerPw");
    private static final String KAFKA_PASSWORD = secret("KafkaPw");
    private static final List<String> SECRETS =
            List.of(SOURCE_PASSWORD, SINK_PASSWORD, BROKER_PASSWORD, KAFKA_PASSWORD);
    /** Consoles that act on a GET (send or receive messages, evaluate expressions): never served. */
    private static final List<String> ACTING_CONSOLES = List.of("send", "receive", "eval-language", "simple-language");
    /** Camel consoles known to print configuration unmasked in JSON: asked for even when not listed. */
    private static final List<String> CONFIGURATION_CONSOLES = List.of("properties", "endpoint", "bean", "bean-model",
            "jvm", "system-properties", "main-configuration", "route", "route-dump", "source", "consumer", "producer");

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().superuser("pgcdc_secrets", SOURCE_PASSWORD)
            .hostAuth(HostAuth.SCRAM_SHA_256).build();

    @TempDir
    Path workingDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noConsoleResponseAndNoLogLineHoldsASecret() throws Exception {
        PostgresServer pg = PG.server();
        pg.execute("CREATE TABLE secrets_t (id int PRIMARY KEY)",
                "CREATE ROLE sink_user LOGIN PASSWORD '" + SINK_PASSWORD + "'");
        Path route = Files.writeString(workingDir.resolve("secrets.yaml"), """
                - beans:
                    - name: broker
                      type: org.apache.qpid.jms.JmsConnectionFactory
                      properties:
                        remoteURI: "amqp://127.0.0.1:1"
                        username: "broker_user"
                        password: "{{broker.password}}"
                - route:
                    from:
                      uri: "pgcdc:{{pgcdc.slot}}?password={{pgcdc.password}}"
                      steps:
                        - filter:
                            simple: "${header.CamelPgCdcTable} == 'no_such_table'"
                            steps:
                              - to: "pgcdc-sink:sink?jdbcUrl=RAW(%s)&user=sink_user&password=%s&lazyStartProducer=true"
                              - to:
                                  uri: "kafka:t"
                                  parameters:
                                    brokers: "127.0.0.1:1"
                                    lazyStartProducer: true
                                    saslMechanism: PLAIN
                                    saslJaasConfig: "org.apache.kafka.common.security.plain.PlainLoginModule required
                                      username='k' password='{{kafka.password}}';"
                """.formatted(pg.jdbcUrl("postgres"), SINK_PASSWORD));
        int port = OperatorPageIT.freePort();
        String base = "http://127.0.0.1:" + port;
        Path console = workingDir.resolve("console.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkafka.password=" + KAFKA_PASSWORD, "-jar", System.getProperty("pgcdc.runner.jar"), route.toString(),
                "camel.server.port=" + port, "pgcdc.slot=secrets", "pgcdc.tables=public.secrets_t",
                "broker.password=" + BROKER_PASSWORD)
                .directory(workingDir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
        builder.environment().putAll(Map.of("PGCDC_HOST", pg.host(), "PGCDC_PORT", Integer.toString(pg.port()),
                "PGCDC_USER", pg.superuser(), "PGCDC_PASSWORD", SOURCE_PASSWORD));
        Process runner = builder.start();
        try {
            Await.until("the pgcdc console showing the slot streaming", Duration.ofSeconds(120),
                    () -> get(base + "/q/dev/pgcdc", true), body -> body.contains("\"STREAMING\""));

            Map<String, String> responses = new LinkedHashMap<>();
            List<String> listed = new ArrayList<>();
            new ObjectMapper().readTree(get(base + "/q/dev", true)).fieldNames().forEachRemaining(listed::add);
            List<String> paths = new ArrayList<>(List.of("/q/dev", "/q/dev/all"));
            for (String id : listed) {
                if (!ACTING_CONSOLES.contains(id)) {
                    paths.add("/q/dev/" + id);
                }
            }
            for (String id : CONFIGURATION_CONSOLES) {
                paths.add("/q/dev/" + id);
            }
            for (String path : paths) {
                responses.put("JSON " + path, get(base + path, true));
                responses.put("text " + path, get(base + path, false));
            }
            responses.put("health", get(base + "/observe/health?exposureLevel=full&data=true&stackTrace=true", true));
            responses.put("metrics", get(base + "/observe/metrics", false));
            responses.put("page", get(base + "/", false));

            assertThat(responses.get("JSON /q/dev/pgcdc")).contains("\"slot\":\"secrets\"");
            assertThat(leaks(responses)).as("responses holding a secret").isEmpty();
            assertThat(listed).contains("pgcdc").doesNotContainAnyElementsOf(ACTING_CONSOLES);
        } finally {
            runner.destroy();
            if (!runner.waitFor(60, TimeUnit.SECONDS)) {
                runner.destroyForcibly();
            }
        }
        String output = Files.readString(console);
        assertThat(output).as("the runner's output").contains("Started route1");
        assertThat(leaks(Map.of("the runner's output", output))).as("log lines holding a secret").isEmpty();
    }

    /** Per response, the secrets it holds (by their prefix, e.g. SinkPw), for those holding any. */
    private static Map<String, List<String>> leaks(Map<String, String> responses) {
        Map<String, List<String>> leaks = new LinkedHashMap<>();
        responses.forEach((what, body) -> {
            List<String> found = SECRETS.stream().filter(body::contains)
                    .map(secret -> secret.replaceAll("\\p{XDigit}{16}$", "")).toList();
            if (!found.isEmpty()) {
                leaks.put(what, found);
            }
        });
        return leaks;
    }

    private static String secret(String prefix) {
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        return prefix + HexFormat.of().formatHex(random);
    }

    /** The body, or the error as text while the server is not up yet. */
    private String get(String url, boolean json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (json) {
            request.header("Accept", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
