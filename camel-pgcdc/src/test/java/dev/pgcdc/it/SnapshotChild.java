package dev.pgcdc.it;

import java.time.Duration;

import dev.pgcdc.embedded.junit.Await;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A consumer in a JVM of its own, for tests that kill it or limit its heap: consumes {@code args[0]} (a pgcdc URI)
 * and appends each event as a JSON line to {@code args[1]} (flushed before the exchange completes, so a line exists
 * for every acknowledged change), or only counts them if it is {@code -}. When the route stops (snapshotMode
 * initial_only) it prints {@code READS <n>} and exits.
 */
public final class SnapshotChild {

    private SnapshotChild() {
    }

    /** Starts a child consuming {@code uri} into {@code output} with at most {@code heap}; its console goes to dir/child.out. */
    static Process start(Path dir, String uri, String output, String heap) throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), SnapshotChild.class.getName(), uri, output);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile())
                .start();
    }

    /** Kills the child with SIGKILL, so nothing runs on its way out, and waits until it is gone. */
    static void kill(Process child) throws InterruptedException {
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** How many lines the child has written to {@code output} so far; 0 before it created the file. */
    static long lines(Path output) {
        try (var lines = Files.lines(output, StandardCharsets.UTF_8)) {
            return lines.count();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events a killed child wrote to {@code output}, in order. */
    static List<JsonNode> events(Path output) throws IOException {
        return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                .filter(line -> line.endsWith("}")) // the line being written when the process died is incomplete
                .map(AppliedTables::parse).toList();
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        BufferedWriter out = args[1].equals("-") ? null : Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8);
        AtomicLong reads = new AtomicLong();
        CamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("child").process(e -> {
                    ChangeEvent event = e.getIn().getBody(ChangeEvent.class);
                    if (event.getOp() == Operation.READ) {
                        reads.incrementAndGet();
                    }
                    if (out != null) {
                        synchronized (out) { // with concurrentConsumers, several threads write
                            out.write(AppliedTables.write(event));
                            out.write('\n');
                            out.flush();
                        }
                    }
                });
            }
        });
        context.start();
        Await.until("the route stopped after the snapshot", Duration.ofMinutes(10),
                () -> context.getRouteController().getRouteStatus("child") == ServiceStatus.Stopped);
        System.out.println("READS " + reads.get());
        context.stop();
        System.exit(0);
    }
}
