package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user the server runs as. PostgreSQL refuses to run as root, so a root JVM
 * runs initdb and pg_ctl through {@code runuser} as {@code postgres} (or {@code nobody}) and hands
 * that user the files the server must own.
 */
final class ServerUser {

    private static final List<String> UNPRIVILEGED_CANDIDATES = List.of("postgres", "nobody");

    private final UserPrincipal switchTo;

    private ServerUser(UserPrincipal switchTo) {
        this.switchTo = switchTo;
    }

    static ServerUser forThisProcess() {
        return isRoot() ? new ServerUser(unprivilegedUser()) : new ServerUser(null);
    }

    /** The user name the postmaster runs as, or null when it is the JVM's own user. */
    String switchedUserName() {
        return switchTo == null ? null : switchTo.getName();
    }

    List<String> command(List<String> command) {
        if (switchTo == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", switchTo.getName(), "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives a file or directory the server must read or write to the server's user. */
    void own(Path path) {
        if (switchTo == null) {
            return;
        }
        try {
            Files.setOwner(path, switchTo);
        } catch (IOException e) {
            throw new PostgresException("cannot chown " + path + " to " + switchTo.getName(), e);
        }
    }

    private static boolean isRoot() {
        try {
            // /proc/self belongs to the effective uid; user.name can be wrong under sudo or in containers
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static UserPrincipal unprivilegedUser() {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        for (String name : UNPRIVILEGED_CANDIDATES) {
            try {
                return lookup.lookupPrincipalByName(name);
            } catch (UserPrincipalNotFoundException e) {
                // try the next candidate
            } catch (IOException e) {
                throw new PostgresException("cannot look up user " + name, e);
            }
        }
        throw new PostgresException("running as root, but none of the users " + UNPRIVILEGED_CANDIDATES
                + " exists to run PostgreSQL as (it refuses to run as root)");
    }
}
