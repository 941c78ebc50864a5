package dev.pgcdc.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.junit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of the runner started as the README says ({@code java -jar pgcdc-routes.jar}, embedded
 * database): health and Prometheus metrics over HTTP, and the live page at {@code /} in a real headless Chromium,
 * with lag and throughput charts and the snapshot at 100 %; after the database stops, the page names the problem.
 * The shipped Grafana dashboard queries only meters the endpoint serves. Screenshots are kept in {@code target/} ({@value #SCREENSHOT}, {@value #SCREENSHOT_DOWN}).
 */
class OperatorPageIT {

    static final String SCREENSHOT = "operator-page.png";
    static final String SCREENSHOT_DOWN = "operator-page-database-down.png";
    /** "PostgreSQL 18.6 started on 127.0.0.1:35385 in /tmp/pgcdc-cluster-123/data as user postgres" */
    private static final Pattern CLUSTER_STARTED =
            Pattern.compile("PostgreSQL \\S+ started on \\S+:(\\d+) in (\\S+)/data");
    private static final Pattern METER = Pattern.compile("pgcdc_\\w+");
    /** A line of a stack trace: "\tat org.postgresql.core.PGStream.receiveChar(PGStream.java:467)". */
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at \\S+\\(");
    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** Each meter with labels it carries (beside the Camel context and route, which the runner names). */
    private static final List<String> METERS = List.of("pgcdc_changes_received_total{slot=\"pgcdc\"}",
            "pgcdc_changes_completed_total{slot=\"pgcdc\"}", "pgcdc_changes_inflight{slot=\"pgcdc\"}",
            "pgcdc_slot_lag_bytes{slot=\"pgcdc\"}", "pgcdc_slot_retained_bytes{slot=\"pgcdc\"}",
            "pgcdc_lag_seconds{slot=\"pgcdc\"}",
            "pgcdc_changes_received_table_total{slot=\"pgcdc\",table=\"public.orders\"}");

    @TempDir
    Path workingDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesHealthMetricsAndALivePageThatAlsoExplainsADatabaseOutage() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Path console = workingDir.resolve("console.txt");
        Files.writeString(workingDir.resolve("notes.txt"), "a file of the working directory");
        Process runner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("pgcdc.runner.jar"), "camel.server.port=" + port)
                .directory(workingDir.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            Await.until("health UP at " + base + "/observe/health", STARTUP,
                    () -> get(base + "/observe/health"), body -> body.contains("\"UP\""));
            assertThat(get(base + "/notes.txt")).as("files of the working directory are not served")
                    .doesNotContain("a file of the working directory");
            // the per-table counters appear with the first change of each table, at the next slot reading
            String metrics = Await.until("the pgcdc meters in Prometheus form", Duration.ofSeconds(30),
                    () -> get(base + "/observe/metrics"), body -> METERS.stream().allMatch(meter -> served(body, meter)));
            assertThat(dashboardMeters()).as("meters the Grafana dashboard queries").isNotEmpty()
                    .allSatisfy(meter -> assertThat(metrics).contains(meter + "{"));

            try (HeadlessChromium browser = HeadlessChromium.start(workingDir)) {
                browser.navigate(base + "/");
                JsonNode page = Await.until("the page with lag points, throughput and the snapshot done",
                        Duration.ofSeconds(60), () -> browser.evaluate(PAGE_STATE),
                        state -> state.path("lagPoints").asInt() >= 5 && state.path("throughput").asDouble() > 0
                                && state.path("tables").size() == 2 && allDone(state.path("tables")));
                browser.screenshot(Path.of("target", SCREENSHOT));
                assertThat(page.path("health").asText()).isEqualTo("UP");
                assertThat(page.path("problem").asText()).isEmpty();
                assertThat(page.path("confirmed").asText()).matches("(?s).*[0-9A-F]+/[0-9A-F]+.*");
                assertThat(page.path("text").asText()).contains("public.customers", "public.orders", "In flight");

                Matcher cluster = Await.until("the embedded cluster's data directory in the log", STARTUP,
                        () -> CLUSTER_STARTED.matcher(read(console)), Matcher::find);
                String databasePort = cluster.group(1);
                stopPostmaster(Path.of(cluster.group(2), "data", "postmaster.pid"));

                JsonNode down = Await.until("the page naming the unreachable database", Duration.ofSeconds(60),
                        () -> browser.evaluate(PAGE_STATE),
                        state -> state.path("problem").asText().contains("Cannot connect"));
                browser.screenshot(Path.of("target", SCREENSHOT_DOWN));
                assertThat(down.path("problem").asText()).contains("127.0.0.1:" + databasePort)
                        .contains("refused");
                assertThat(down.path("phase").asText()).isEqualTo("RETRYING");
                // each reconnect attempt is one line, its stack trace only at DEBUG
                String outage = Await.until("a reconnect attempt in the log", Duration.ofSeconds(30),
                        () -> read(console), text -> text.contains("lost or refused"));
                assertThat(outage.lines()).noneMatch(line -> STACK_FRAME.matcher(line).find());
            }
        } finally {
            runner.destroy();
            if (!runner.waitFor(60, TimeUnit.SECONDS)) {
                runner.destroyForcibly();
            }
        }
    }

    /** The pgcdc meters named in the queries of the shipped Grafana dashboard. */
    /** Whether a sample of {@code meter} (name{label,...}) has all its labels, in whatever order they come. */
    private static boolean served(String metrics, String meter) {
        int brace = meter.indexOf('{');
        List<String> labels = List.of(meter.substring(brace + 1, meter.length() - 1).split(","));
        return metrics.lines().anyMatch(line -> line.startsWith(meter.substring(0, brace + 1))
                && labels.stream().allMatch(label -> line.contains(label + ",") || line.contains(label + "}")));
    }

    private static Set<String> dashboardMeters() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("dashboards", "pgcdc-grafana.json").toFile());
        Set<String> meters = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher meter = METER.matcher(target.get("expr").asText());
                while (meter.find()) {
                    meters.add(meter.group());
                }
            }
        }
        return meters;
    }

    /** What the page shows, read from its DOM the way a person reads it. */
    private static final String PAGE_STATE = """
            (() => {
              const p = document.querySelector('section.pipeline[data-slot="pgcdc"]');
              if (!p) return {};
              return {
                lagPoints: Number(p.querySelector('svg.lag').getAttribute('data-count')),
                throughput: Number(p.querySelector('.throughput').getAttribute('data-value') || 0),
                tables: [...p.querySelectorAll('.table-progress')].map(t => ({
                  table: t.getAttribute('data-table'), percent: t.getAttribute('data-percent'),
                  words: t.textContent, bar: t.querySelector('.bar div').style.width })),
                health: p.querySelector('.health').textContent,
                phase: p.querySelector('.phase').textContent,
                problem: p.querySelector('.problem').textContent,
                confirmed: p.querySelector('.confirmed').textContent,
                text: p.textContent
              };
            })()""";

    private static boolean allDone(JsonNode tables) {
        for (JsonNode table : tables) {
            if (!"100".equals(table.path("percent").asText()) || !"100%".equals(table.path("bar").asText())
                    || !table.path("words").asText().contains("(100 %)")) {
                return false;
            }
        }
        return true;
    }

    /** Fast shutdown of the runner's embedded PostgreSQL (a child of the runner this test started). */
    private static void stopPostmaster(Path pidFile) throws Exception {
        String pid = Files.readAllLines(pidFile).get(0).trim();
        Process kill = new ProcessBuilder("kill", "-INT", pid).redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -INT " + pid).isZero();
        Await.until("postmaster " + pid + " gone", Duration.ofSeconds(30),
                () -> ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive).isEmpty());
    }

    /** The body, or the error as text while the server is not up yet. */
    private String get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
