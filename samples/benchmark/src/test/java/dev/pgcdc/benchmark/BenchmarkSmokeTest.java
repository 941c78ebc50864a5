package dev.pgcdc.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole benchmark at the smoke size, so that no measurement rots unnoticed; the figures mean nothing. */
class BenchmarkSmokeTest {

    @Test
    void everyMeasurementReportsEveryFigure(@TempDir Path out) throws Exception {
        Benchmark.main(new String[] {"--size", "smoke", "--out", out.toString()});

        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (String path : List.of("/streaming/pgRecvlogical/changesPerSecond", "/streaming/pgcdc/changesPerSecond",
                "/streaming/debezium/changesPerSecond", "/streaming/ratios/pgcdcToPgRecvlogical",
                "/streaming/pgcdcCatchUp/changesPerSecond", "/streaming/ratios/pgcdcCatchUpToPgRecvlogical",
                "/streaming/ratios/pgcdcToDebezium", "/streaming/pgcdc/peakHeapUsedMb",
                "/streaming/pgcdc/peakLiveHeapMb", "/streaming/pgcdc/peakRssMb", "/streaming/pgcdc/cpuMicrosPerChange",
                "/streaming/debezium/cpuMicrosPerChange",
                "/snapshot/copyToStdout/rowsPerSecond", "/snapshot/debezium/rowsPerSecond",
                "/snapshot/pgcdc1Worker/rowsPerSecond", "/snapshot/pgcdc4Workers/rowsPerSecond",
                "/snapshot/keyless/pgcdc4Workers/rowsPerSecond", "/snapshot/ratios/pgcdcBestToCopy",
                "/snapshot/ratios/pgcdc1WorkerToCopy", "/snapshot/pgcdc1Worker/cold/rowsPerSecond",
                "/snapshot/pgcdc1Worker/cold/cpuMicrosPerChange", "/snapshot/keyless/pgcdc4Workers/cold/rowsPerSecond",
                "/snapshot/ratios/pgcdcBestColdToCopy", "/snapshot/ratios/keylessBestColdToCopy",
                "/liveLag/1000/p50Ms", "/liveLag/1000/p99Ms", "/liveLag/1000/maxMs", "/liveLag/2000/p99Ms",
                "/liveLag/1000/reference/p99Ms", "/liveLag/1000/reference/server/p99Ms",
                "/liveLag/1000/writerInsert/p99Ms", "/liveLag/1000/machineBusyCores", "/liveLag/1000/clusterCores",
                "/liveLag/1000/walsenderCpuMsPerSecond", "/liveLag/1000/reference/walsenderCpuMsPerSecond",
                "/bigTransaction/changesPerSecond",
                "/sink/upsert/rowsPerSecond", "/sink/append/rowsPerSecond", "/sink/pgcdcDrain/changesPerSecond",
                "/sink/jdbcBatches/rowsPerSecond", "/sink/jdbcAppendBatches/rowsPerSecond", "/sink/copyIn/rowsPerSecond",
                "/sink/ratios/upsertToDrain", "/sink/ratios/upsertToJdbcBatches", "/sink/ratios/upsertToCopyIn",
                "/sink/ratios/appendToDrain", "/sink/ratios/appendToJdbcAppendBatches",
                "/sink/upsert/cpuMicrosPerChange", "/sink/upsert/peakRssMb", "/sink/upsert/cold/rowsPerSecond",
                "/sink/upsert/cold/cpuMicrosPerChange", "/sink/appendCatchUp/cold/rowsPerSecond",
                "/sink/ratios/upsertColdToJdbcBatches", "/sink/ratios/appendColdToJdbcAppendBatches",
                "/sink/pgcdcDrain/cold/changesPerSecond", "/sink/upsert/secondPass/rowsPerSecond",
                "/sink/ratios/appendCatchUpSecondPassToJdbcAppendBatches", "/bigTransaction/peakLiveHeapMb",
                "/bigTransaction/peakRssMb",
                "/parallelDelivery/1/changesPerSecond", "/parallelDelivery/32/changesPerSecond",
                "/parallelDelivery/1/p99Ms", "/parallelDelivery/32/p99Ms", "/parallelDelivery/ratios/32To1",
                "/takeover/medianMs", "/takeover/repetitions/0/takeoverMs", "/takeover/writtenChanges",
                "/kafka/paced/1000/p50Ms", "/kafka/paced/1000/p99Ms", "/kafka/paced/2000/maxMs",
                "/kafka/paced/2000/acknowledgedChangesPerSecond", "/kafka/paced/2000/records",
                "/kafka/backlog/pgcdc/changesPerSecond", "/kafka/backlog/pgcdcConcurrent/changesPerSecond",
                "/kafka/backlog/debezium/changesPerSecond", "/kafka/backlog/pgcdc/cpuMicrosPerChange",
                "/kafka/backlog/debezium/cpuMicrosPerChange", "/kafka/backlog/pgcdc/records",
                "/kafka/backlog/pgcdcConcurrent/records", "/kafka/backlog/debezium/records",
                "/kafka/backlog/ratios/pgcdcToDebezium")) {
            assertThat(report.at(path).isNumber()).as(path).isTrue();
            assertThat(report.at(path).asDouble()).as(path).isPositive();
        }
        assertThat(nulls(report, "")).as("figures without a value").isEmpty();
        assertThat(report.at("/takeover/lostChanges").asLong()).as("changes lost at a takeover").isZero();
        assertThat(Files.readString(out.resolve("report.md"))).contains("Streaming drain", "Snapshot", "Live lag", "Sink",
                "One transaction of 5000 rows", "Parallel delivery", "Takeover", "Into Kafka");
    }

    private static List<String> nulls(JsonNode node, String path) {
        List<String> found = new ArrayList<>();
        if (node.isNull()) {
            found.add(path);
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            found.addAll(nulls(field.getValue(), path + "/" + field.getKey()));
        }
        return found;
    }
}
