package dev.pgcdc.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The report's SVG charts: well-formed SVG with one line per consumer and one bar per figure, embedded in report.md. */
class ChartsTest {

    @Test
    void drawsEveryChartFromTheFiguresAndTheReportEmbedsThem(@TempDir Path out) throws Exception {
        Map<String, Object> figures = figures();
        Report.write(figures, out);

        Document drain = parse(Files.readString(out.resolve(Charts.DRAIN)));
        NodeList lines = drain.getElementsByTagName("polyline");
        assertThat(lines.getLength()).as("one line per consumer").isEqualTo(2);
        // 4 samples of [seconds, changes]: a rate at each but the first
        assertThat(lines.item(0).getAttributes().getNamedItem("points").getNodeValue().trim().split(" ")).hasSize(3);
        assertThat(text(drain)).contains("pgRecvlogical", "pgcdc", "changes/s");

        Document lag = parse(Files.readString(out.resolve(Charts.LIVE_LAG)));
        // background + legend swatches (3) + p50/p99/max for 2 rates
        assertThat(lag.getElementsByTagName("rect").getLength()).isEqualTo(1 + 3 + 6);
        assertThat(text(lag)).contains("1000 changes/s", "2000 changes/s", "p99", "120");

        Document snapshot = parse(Files.readString(out.resolve(Charts.SNAPSHOT)));
        assertThat(snapshot.getElementsByTagName("rect").getLength()).isEqualTo(1 + 4);
        assertThat(text(snapshot)).contains("COPY TO STDOUT", "pgcdc, 1 worker", "pgcdc, 2 workers", "debezium",
                "1.5M");

        assertThat(Files.readString(out.resolve("report.md")))
                .contains("![Streaming drain throughput over time](" + Charts.DRAIN + ")")
                .contains("![Snapshot rows/s by reader and worker count](" + Charts.SNAPSHOT + ")")
                .contains("![Live lag percentiles by writer rate](" + Charts.LIVE_LAG + ")")
                .as("pgcdc's warm pass with the server's CPU, then its cold one; Debezium reads once")
                .contains("| pgcdc1Worker | 1 | – | 400000 | 1.00 | 3 | 1.2 | 200000 | 5 |")
                .contains("| debezium | – | – | 97000 | 2.00 | 20 | – | – | – |")
                .contains("| jvm | 0.1 | 1.5 |");
    }

    @Test
    void axesEndOnRoundNumbers() {
        assertThat(Charts.niceCeiling(7)).isEqualTo(8);
        assertThat(Charts.niceCeiling(20.3)).isEqualTo(25);
        assertThat(Charts.niceCeiling(130)).isEqualTo(150);
        assertThat(Charts.niceCeiling(128_000)).isEqualTo(150_000);
        assertThat(Charts.niceCeiling(400)).isEqualTo(400);
        assertThat(Charts.tickCount(25)).as("0, 5, 10, 15, 20, 25").isEqualTo(5);
        assertThat(Charts.tickCount(150_000)).as("0, 50k, 100k, 150k").isEqualTo(3);
        assertThat(Charts.tickCount(400)).as("0, 100, 200, 300, 400").isEqualTo(4);
        assertThat(Charts.format(128_000)).isEqualTo("128k");
        assertThat(Charts.format(2.5)).isEqualTo("2.5");
    }

    private static Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("run", Map.of("size", "smoke", "date", "2026-12-04T10:00:00Z"));
        figures.put("machine", Map.of("cores", 2, "memoryGb", 24, "loadAverageAtStart", 1.0));
        figures.put("versions", Map.of("postgresql", "18.6"));
        Map<String, Object> streaming = new LinkedHashMap<>();
        streaming.put("changes", 1000);
        streaming.put("pgRecvlogical", Map.of("seconds", 1.0, "changesPerSecond", 1000));
        streaming.put("pgcdc", Map.of("seconds", 2.0, "changesPerSecond", 500));
        streaming.put("ratios", Map.of("pgcdcToPgRecvlogical", 0.5));
        Map<String, Object> timelines = new LinkedHashMap<>();
        timelines.put("pgRecvlogical", samples(0, 0, 0.25, 300, 0.5, 700, 0.75, 1000));
        timelines.put("pgcdc", samples(0, 0, 1, 500, 2, 1000));
        streaming.put("timelines", timelines);
        figures.put("streaming", streaming);
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("rows", 2000);
        snapshot.put("copyToStdout", Map.of("seconds", 0.1, "rowsPerSecond", 1_500_000));
        snapshot.put("pgcdc1Worker", Map.of("seconds", 1.0, "rowsPerSecond", 400_000, "workers", 1,
                "cpuMicrosPerChange", 3, "serverCpuMicrosPerChange", 1.2, "cpuMicrosPerChangeByThread",
                Map.of("jvm", 0.1),
                "cold", Map.of("seconds", 2.0, "rowsPerSecond", 200_000, "cpuMicrosPerChange", 5,
                        "cpuMicrosPerChangeByThread", Map.of("jvm", 1.5))));
        snapshot.put("pgcdcNWorkers", Map.of("seconds", 1.0, "rowsPerSecond", 600_000, "workers", 2,
                "cpuMicrosPerChange", 3));
        snapshot.put("debezium", Map.of("seconds", 2.0, "rowsPerSecond", 97_000, "cpuMicrosPerChange", 20));
        snapshot.put("ratios", Map.of("pgcdc1WorkerToCopy", 0.27));
        figures.put("snapshot", snapshot);
        Map<String, Object> lag = new LinkedHashMap<>();
        lag.put("1000", Map.of("writerChangesPerSecond", 1000, "p50Ms", 3, "p99Ms", 12, "maxMs", 40));
        lag.put("2000", Map.of("writerChangesPerSecond", 2000, "p50Ms", 4, "p99Ms", 20, "maxMs", 120));
        figures.put("liveLag", lag);
        return figures;
    }

    private static List<List<Number>> samples(double... secondsAndChanges) {
        List<List<Number>> samples = new ArrayList<>();
        for (int i = 0; i < secondsAndChanges.length; i += 2) {
            samples.add(List.of(secondsAndChanges[i], (long) secondsAndChanges[i + 1]));
        }
        return samples;
    }

    private static Document parse(String svg) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        return document;
    }

    private static String text(Document document) {
        return document.getDocumentElement().getTextContent();
    }
}
