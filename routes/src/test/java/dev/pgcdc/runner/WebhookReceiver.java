package dev.pgcdc.runner;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook endpoint on a free port of 127.0.0.1 that fails the first attempt of every change (so each one
 * needs a retry) and always fails a body containing {@value #REJECT}; it records what it accepted.
 */
final class WebhookReceiver implements AutoCloseable {

    static final String REJECT = "reject-me";

    /** A change the receiver accepted: its body and Idempotency-Key header. */
    record Delivery(String idempotencyKey, String body) {
    }

    private final HttpServer server;
    private final Set<String> attempted = new HashSet<>();
    private final List<Delivery> accepted = new ArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    synchronized List<Delivery> accepted() {
        return List.copyOf(accepted);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        exchange.sendResponseHeaders(respond(key, body), -1);
        exchange.close();
    }

    private synchronized int respond(String key, String body) {
        if (body.contains(REJECT) || attempted.add(key)) {
            return 503;
        }
        accepted.add(new Delivery(key, body));
        return 200;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
