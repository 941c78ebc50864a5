package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a PostgreSQL tool to completion and captures its output for error messages. */
final class CommandRunner {

    /** How much of a failed command's output goes into the exception: the end is where the reason is. */
    private static final int TAIL_LINES = 30;

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private CommandRunner() {
    }

    /** Runs the command and fails with the tail of its output when it exits non-zero. */
    static String runOrFail(List<String> command, Path workDir, Duration timeout) {
        Result result = run(command, workDir, timeout);
        if (!result.succeeded()) {
            throw new PostgresException(String.join(" ", command) + " exited with " + result.exitCode()
                    + ", output:\n" + tail(result.output()));
        }
        return result.output();
    }

    static Result run(List<String> command, Path workDir, Duration timeout) {
        Path output = null;
        try {
            // output goes to a file, not a pipe: pg_ctl start leaves a postmaster behind that could
            // otherwise inherit the pipe and keep us waiting for an end of stream that never comes
            output = Files.createTempFile("pgcdc-cmd", ".out");
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new PostgresException(String.join(" ", command) + " did not finish within " + timeout
                        + ", output:\n" + tail(Files.readString(output, StandardCharsets.UTF_8)));
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PostgresException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PostgresException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(output);
        }
    }

    /** The last lines of a command's output or a server log. */
    static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless; the command's result matters more
            }
        }
    }
}
