package dev.pgcdc.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.embedded.junit.Await;

/**
 * Debian's {@code chromium}, headless, driven over the DevTools protocol with the JDK's own WebSocket client: open a
 * page, evaluate JavaScript in it, take a screenshot. Every wait is bounded; {@link #close()} ends the browser.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts the browser with a fresh profile in {@code workDir}; its output goes to {@code chromium.log} there. */
    static HeadlessChromium start(Path workDir) throws Exception {
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
        List<String> command = new ArrayList<>(List.of(executable(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=1280,1500", "about:blank"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("chromium.log").toFile()).start();
        try {
            // the browser writes the port it chose (first line) once it listens
            Path activePort = profile.resolve("DevToolsActivePort");
            Await.until("chromium's DevTools port in " + activePort, TIMEOUT,
                    () -> !process.isAlive() || Files.isRegularFile(activePort) && lines(activePort).size() >= 2);
            if (!process.isAlive()) {
                throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                        + Files.readString(workDir.resolve("chromium.log")));
            }
            int port = Integer.parseInt(lines(activePort).get(0).trim());
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String pageSocket = null;
            for (JsonNode target : targets) {
                if ("page".equals(target.path("type").asText())) {
                    pageSocket = target.get("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                throw new IllegalStateException("chromium shows no page target: " + targets);
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(pageSocket), listener).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium browser = new HeadlessChromium(process, profile, socket);
            listener.browser = browser;
            return browser;
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException("chromium is not installed: apt-get install -y chromium (.ci/run does this)");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of(); // being written
        }
    }

    void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression evaluated in the page (JSON-serialisable values only). */
    JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    void screenshot(Path file) {
        String png = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true))
                .get("data").asText();
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode call(String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode response = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (response.has("error")) {
                throw new IllegalStateException(method + " failed: " + response.get("error"));
            }
            return response.get("result");
        } catch (Exception e) {
            throw new IllegalStateException("DevTools call " + method + " did not answer: " + e.getMessage(), e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Collects a message's frames and completes the call it answers; events (no id) are ignored. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();
        private volatile HeadlessChromium browser;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> answer = node.has("id") && browser != null
                            ? browser.pending.get(node.get("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(node);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    message.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
