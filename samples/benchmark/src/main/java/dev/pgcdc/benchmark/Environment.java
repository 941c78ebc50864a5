package dev.pgcdc.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pgcdc.embedded.PostgresCluster;

/** Machine facts and versions, so that figures from different machines or runs are not compared blindly. */
final class Environment {

    private Environment() {
    }

    static Map<String, Object> machine() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("memoryGb", Math.round(procLine("/proc/meminfo", "MemTotal:") / 1048576.0 * 10) / 10.0);
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("loadAverageAtStart", loadAverage());
        return facts;
    }

    static Map<String, Object> versions(PostgresCluster cluster) {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        versions.put("postgresql", cluster.queryForObject("SELECT version()", String.class));
        versions.put("pgRecvlogical", cluster.tool("pg_recvlogical").toString());
        versions.put("camelForPgcdc", org.apache.camel.impl.DefaultCamelContext.class.getPackage().getImplementationVersion());
        versions.put("pgjdbc", org.postgresql.util.DriverInfo.DRIVER_VERSION);
        versions.put("camelDebeziumPostgres", "4.17.0");
        return versions;
    }

    /** The 1-, 5- and 15-minute load averages: on a shared machine they say how much the figures are disturbed. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long procLine(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(line -> line.startsWith(prefix))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }
}
