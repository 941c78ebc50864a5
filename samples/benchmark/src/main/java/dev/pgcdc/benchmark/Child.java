package dev.pgcdc.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.benchmark.probe.ResultLine;

/**
 * A process the benchmark measures: a probe JVM, pg_recvlogical or psql. Its stderr goes to a log file in the output
 * directory; a probe's stdout carries its {@link ResultLine}.
 */
final class Child {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String name;
    private final long startNanos = System.nanoTime();
    private final List<String> stdout = new ArrayList<>();
    private final Thread reader;

    private Child(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::readStdout, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command}; its stderr is appended to {@code <logDir>/<name>.log}, its stdout read as lines. */
    static Child start(String name, List<String> command, Map<String, String> environment, Path logDir)
            throws IOException {
        return start(name, new ProcessBuilder(command), environment, logDir);
    }

    /** Starts {@code command} with its stdout going to /dev/null (for the data a reference client reads). */
    static Child startDiscardingOutput(String name, List<String> command, Map<String, String> environment,
                                      Path logDir) throws IOException {
        return start(name, new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD), environment,
                logDir);
    }

    private static Child start(String name, ProcessBuilder builder, Map<String, String> environment, Path logDir)
            throws IOException {
        builder.redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".log").toFile()));
        builder.environment().putAll(environment);
        return new Child(name, builder.start());
    }

    /**
     * Starts a JVM running {@code mainClass} on {@code classpath} with the given JVM options, arguments and environment
     * variables.
     */
    static Child startJvm(String name, List<String> classpath, List<String> jvmOptions, String mainClass,
                          List<String> args, Map<String, String> environment, Path logDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(args);
        return start(name, command, environment, logDir);
    }

    private void readStdout() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (stdout) {
                    stdout.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended; what was read is kept
        }
    }

    /** Waits for the process to end; returns its wall time in seconds. Kills it and fails after {@code timeout}. */
    double await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + " (see " + name + ".log)");
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        reader.join(5_000);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + " (see " + name + ".log)");
        }
        return seconds;
    }

    /** Waits for the probe to end and returns the figures of its result line. */
    Map<String, Object> result(Duration timeout) throws InterruptedException, IOException {
        await(timeout);
        synchronized (stdout) {
            for (String line : stdout) {
                if (line.startsWith(ResultLine.PREFIX)) {
                    System.out.println("[benchmark]   " + name + ": " + line.substring(ResultLine.PREFIX.length()));
                    return JSON.readValue(line.substring(ResultLine.PREFIX.length()), new TypeReference<>() { });
                }
            }
        }
        throw new IllegalStateException(name + " printed no result line (see " + name + ".log)");
    }

    void kill() {
        process.destroyForcibly();
    }

    /** Sends SIGKILL (Process.destroyForcibly on Linux) to the process by its PID and waits until it is gone. */
    void killNow(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs " + timeout + " after kill -9");
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The lines the process printed on stdout so far. */
    List<String> lines() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }
}
