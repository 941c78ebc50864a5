package dev.pgcdc.embedded;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class ShutdownHookTest {

    @Test
    void aJvmThatExitsWithoutStoppingItsClusterLeavesNoServerBehind() throws Exception {
        assertNoServerLeftBy(runChild(""));
    }

    @Test
    void aClusterLeftToItsOwnerServesTheOwnersShutdownHookUntilTheOwnerStopsIt() throws Exception {
        String output = runChild("owner");
        assertThat(output).contains("owner's work done").doesNotContain("failed");
        assertNoServerLeftBy(output);
    }

    @Test
    void aClusterWhoseOwnerNeverStopsItIsStoppedAfterItsGracePeriod() throws Exception {
        assertNoServerLeftBy(runChild("owner-gone"));
    }

    /** Runs {@link AbandonedClusterMain} in a JVM of its own; returns its output once it exited normally. */
    private static String runChild(String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + PostgresBinaries.SELECTION_PROPERTY + "=" + System.getProperty(PostgresBinaries.SELECTION_PROPERTY, ""),
                AbandonedClusterMain.class.getName(), mode)
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exits").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        return output;
    }

    private static void assertNoServerLeftBy(String output) {
        Map<String, String> printed = output.lines().filter(line -> line.matches("(pid|dir)=.*"))
                .collect(Collectors.toMap(line -> line.substring(0, 3), line -> line.substring(4)));
        assertThat(printed).as(output).containsKeys("pid", "dir");
        long pid = Long.parseLong(printed.get("pid"));
        Await.until("postmaster " + pid + " to exit", Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
        assertThat(Path.of(printed.get("dir"))).doesNotExist();
    }
}
