package dev.pgcdc.benchmark.debezium;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.pgcdc.benchmark.probe.CpuClock;
import dev.pgcdc.benchmark.probe.MemoryWatch;
import dev.pgcdc.benchmark.probe.ProbeArgs;
import dev.pgcdc.benchmark.probe.ResultLine;
import dev.pgcdc.benchmark.probe.Tally;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Runs camel-debezium-postgres (pgoutput) into a route that only counts, until {@code expected} changes arrived,
 * and prints the result line. {@code mode=stream} streams an existing slot (no snapshot); {@code mode=snapshot}
 * lets Debezium create its slot and take its initial snapshot, counting only snapshot reads; {@code mode=kafka}
 * streams like {@code stream} into camel-kafka with the producer settings of the pgcdc probe (idempotent,
 * acks=all, the row's key as JSON for the record key, the change as JSON for its value), a change counting once
 * the broker acknowledged its record.
 *
 * <p>Arguments: {@code mode host port user database slot publication table expected timeoutSeconds},
 * {@code kafka} (bootstrap servers) and {@code topic} in kafka mode. Offsets live in memory: every run starts from
 * the slot's confirmed position (stream, kafka) or from scratch (snapshot).
 */
public final class DebeziumProbe {

    private DebeziumProbe() {
    }

    public static void main(String[] argv) throws Exception {
        ProbeArgs args = new ProbeArgs(argv);
        boolean snapshot = args.get("mode").equals("snapshot");
        boolean kafka = args.get("mode").equals("kafka");
        Tally tally = new Tally(args.getLong("expected"), 0, false);
        String uri = "debezium-postgres:bench?databaseHostname=" + args.get("host") + "&databasePort=" + args.get("port")
                + "&databaseUser=" + args.get("user") + "&databasePassword=RAW(" + args.password() + ")"
                + "&databaseDbname=" + args.get("database") + "&topicPrefix=bench&pluginName=pgoutput"
                + "&slotName=" + args.get("slot") + "&publicationName=" + args.get("publication")
                + "&publicationAutocreateMode=disabled&tableIncludeList=" + args.get("table")
                + "&snapshotMode=" + (snapshot ? "initial" : "no_data") + "&tombstonesOnDelete=false"
                + "&offsetStorage=org.apache.kafka.connect.storage.MemoryOffsetBackingStore";
        try (MemoryWatch memory = new MemoryWatch(); CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (kafka) {
                        from(uri).routeId("kafka").process(exchange -> asRecord(exchange.getIn())).marshal().json()
                                .to("kafka:" + args.get("topic") + "?brokers=" + args.get("kafka")
                                        + "&requestRequiredAcks=all&enableIdempotence=true")
                                .process(exchange -> tally.record(null));
                        return;
                    }
                    from(uri).routeId("count").process(exchange -> {
                        // in snapshot mode only the snapshot reads count, not changes streamed afterwards
                        if (!snapshot || "r".equals(exchange.getIn().getHeader("CamelDebeziumOperation"))) {
                            tally.record(null);
                        }
                    });
                }
            });
            long startNanos = System.nanoTime();
            camel.start();
            boolean complete = tally.await(args.getLong("timeoutSeconds"), TimeUnit.SECONDS);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("complete", complete);
            result.put("count", tally.count());
            result.put("startupSeconds", (tally.firstNanos() - startNanos) / 1e9);
            result.put("seconds", (tally.lastNanos() - tally.firstNanos()) / 1e9);
            result.put("totalSeconds", (tally.lastNanos() - startNanos) / 1e9);
            result.put("cpuMicrosPerChange",
                    CpuClock.microsPerChange(tally.firstCpuNanos(), CpuClock.processCpuNanos(), tally.count()));
            result.putAll(memory.figures());
            result.put("version", io.debezium.connector.postgresql.Module.version());
            ResultLine.print(result);
        }
        System.exit(0); // Debezium's engine threads may linger
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The record pgcdc's kafka.yaml would send for the change: the key's columns as JSON for the record key, the
     * operation, the row before and after, and the source position as the value (a Map, marshalled to JSON).
     */
    private static void asRecord(Message in) throws Exception {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("op", in.getHeader("CamelDebeziumOperation"));
        value.put("before", in.getHeader("CamelDebeziumBefore", Map.class));
        value.put("after", in.getBody(Map.class));
        value.put("source", in.getHeader("CamelDebeziumSourceMetadata"));
        in.setHeader("kafka.KEY", JSON.writeValueAsString(in.getHeader("CamelDebeziumKey", Map.class)));
        in.setBody(value);
    }
}
