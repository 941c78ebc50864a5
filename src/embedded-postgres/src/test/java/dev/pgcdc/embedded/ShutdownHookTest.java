package dev.pgcdc.embedded;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
        assertNoServerLeftBy(runChild("").output());
    }

    @Test
    void aClusterLeftToItsOwnerServesTheOwnersShutdownHookUntilTheOwnerStopsIt() throws Exception {
        Exit exit = runChild("owner");
        assertThat(exit.output()).contains("owner's work done").doesNotContain("failed");
        // the owner's stop ends the wait for its grace: the JVM does not sit out the rest of it
        assertThat(exit.exiting()).as(exit.output()).isLessThan(AbandonedClusterMain.GRACE.dividedBy(2));
        assertNoServerLeftBy(exit.output());
    }

    @Test
    void aClusterWhoseOwnerNeverStopsItServesUntilItsGracePeriodEndsAndIsThenStopped() throws Exception {
        String output = runChild("owner-gone").output();
        assertThat(output).contains("owner's work done").doesNotContain("failed");
        assertNoServerLeftBy(output);
    }

    /** What a child JVM printed, and how long it took to exit once it began to. */
    private record Exit(String output, Duration exiting) {
    }

    /** Runs {@link AbandonedClusterMain} in a JVM of its own; returns once it exited normally. */
    private static Exit runChild(String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-D" + PostgresBinaries.SELECTION_PROPERTY + "=" + System.getProperty(PostgresBinaries.SELECTION_PROPERTY, ""),
                AbandonedClusterMain.class.getName(), mode)
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        long exitBegan = 0;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                if (line.equals("exiting")) {
                    exitBegan = System.nanoTime();
                }
            }
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exits").isTrue();
        Duration exiting = Duration.ofNanos(System.nanoTime() - exitBegan);
        assertThat(child.exitValue()).as(output.toString()).isZero();
        assertThat(exitBegan).as(output.toString()).isNotZero();
        return new Exit(output.toString(), exiting);
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
