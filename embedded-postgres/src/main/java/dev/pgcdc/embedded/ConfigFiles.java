package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

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

    /** Local (Unix socket) connections are trusted; TCP ones, normal and replication, use the given method. */
    void writeHba(HostAuth hostAuth) {
        String method = hostAuth.hbaMethod();
        write(dataDir.resolve("pg_hba.conf"), """
                local all all trust
                local replication all trust
                host all all 127.0.0.1/32 %1$s
                host replication all 127.0.0.1/32 %1$s
                """.formatted(method));
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
