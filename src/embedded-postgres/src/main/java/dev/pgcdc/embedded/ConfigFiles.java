package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the cluster's configuration: our settings live in {@code pgcdc.conf}, included at the end of
 * initdb's postgresql.conf so they win and can be rewritten for a restart without editing initdb's file.
 */
final class ConfigFiles {

    private static final String OWN_FILE = "pgcdc.conf";

    private final Path dataDir;
    private final ServerUser user;

    ConfigFiles(Path dataDir, ServerUser user) {
        this.dataDir = dataDir;
        this.user = user;
    }

    void includeOwnSettings() {
        append(dataDir.resolve("postgresql.conf"), "\ninclude '" + OWN_FILE + "'\n");
    }

    void writeSettings(Map<String, String> settings) {
        StringBuilder text = new StringBuilder("# written by dev.pgcdc.embedded.PostgresCluster\n");
        settings.forEach((name, value) -> text.append(name).append(" = ").append(SqlQuoting.literal(value)).append('\n'));
        write(dataDir.resolve(OWN_FILE), text.toString());
    }

    /**
     * The given rules first; then local (Unix socket) connections are trusted and TCP ones, normal and replication,
     * use the given method.
     */
    void writeHba(List<String> rules, HostAuth hostAuth) {
        String method = hostAuth.hbaMethod();
        write(dataDir.resolve("pg_hba.conf"), rules.stream().map(rule -> rule + "\n").collect(Collectors.joining()) + """
                local all all trust
                local replication all trust
                host all all 127.0.0.1/32 %1$s
                host replication all 127.0.0.1/32 %1$s
                """.formatted(method));
    }

    /** A file only the server's user may read: PostgreSQL refuses a TLS key that others can read. */
    void writePrivateFile(String name, byte[] content) {
        Path file = dataDir.resolve(name);
        try {
            Files.write(file, content);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new PostgresException("cannot write " + file, e);
        }
        user.own(file);
    }

    void writeFile(String name, String text) {
        write(dataDir.resolve(name), text);
    }

    private void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new PostgresException("cannot write " + file, e);
        }
        user.own(file);
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new PostgresException("cannot write " + file, e);
        }
    }
}
