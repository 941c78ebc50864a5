package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory holding PostgreSQL server binaries ({@code bin/initdb}, {@code bin/pg_ctl}, {@code bin/postgres}):
 * an unpacked zonky archive or a local installation such as Debian's {@code /usr/lib/postgresql/15}.
 *
 * @param home    the directory that contains {@code bin/}
 * @param version the server version, e.g. {@code 18.6} or {@code 15.20}
 */
public record PostgresInstallation(Path home, String version) {

    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(\\.\\d+)?");
    /** Where Debian and Ubuntu put each major's binaries; the source of client tools zonky lacks. */
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    /** Inspects a directory: it must hold the server binaries; the version comes from {@code pg_ctl --version}. */
    public static PostgresInstallation at(Path home) {
        Path pgCtl = home.resolve("bin").resolve("pg_ctl");
        if (!Files.isExecutable(pgCtl) || !Files.isExecutable(home.resolve("bin").resolve("initdb"))) {
            throw new PostgresException(home + " is not a PostgreSQL installation: no executable bin/pg_ctl and bin/initdb");
        }
        String output = CommandRunner.runOrFail(List.of(pgCtl.toString(), "--version"), home, Duration.ofSeconds(30));
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new PostgresException("cannot read the version of " + home + " from: " + output.strip());
        }
        return new PostgresInstallation(home, matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)));
    }

    public Path binDir() {
        return home.resolve("bin");
    }

    public int major() {
        return Integer.parseInt(version.split("\\.")[0]);
    }

    /**
     * A client program such as {@code pg_recvlogical} or {@code psql}. The zonky archives contain only
     * initdb, pg_ctl and postgres, so when this installation lacks the program it comes from the newest
     * local installation under /usr/lib/postgresql (client programs talk to servers of other majors).
     */
    public Path tool(String name) {
        Path own = binDir().resolve(name);
        if (Files.isExecutable(own)) {
            return own;
        }
        return newestLocalTool(name).orElseThrow(() -> new PostgresException(name + " is neither in " + binDir()
                + " nor in " + DEBIAN_ROOT + "/*/bin; install a PostgreSQL client package (e.g. apt-get install postgresql-client)"));
    }

    private static Optional<Path> newestLocalTool(String name) {
        if (!Files.isDirectory(DEBIAN_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> majors = Files.list(DEBIAN_ROOT)) {
            return majors.filter(dir -> dir.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin").resolve(name))
                    .filter(Files::isExecutable);
        } catch (IOException e) {
            throw new PostgresException("cannot list " + DEBIAN_ROOT, e);
        }
    }
}
