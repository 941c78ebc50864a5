package dev.pgcdc.embedded;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Copies a running cluster's data directory for a base backup, leaving out what the documentation of the low-level
 * backup API says to leave out: the WAL (the standby streams it), the postmaster's own files and temporary files.
 */
final class BackupCopy {

    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map");
    /** Emptied, not left out: the server expects them to exist. */
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp",
            "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

    private BackupCopy() {
    }

    static void copy(Path source, Path target, ServerUser user) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path copy = target.resolve(source.relativize(dir).toString());
                Files.createDirectories(copy);
                // the server refuses a data directory others may read
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwx------"));
                user.own(copy);
                boolean emptied = !dir.equals(source) && dir.getParent().equals(source)
                        && EMPTIED_DIRECTORIES.contains(dir.getFileName().toString());
                if (emptied && dir.getFileName().toString().equals("pg_wal")) {
                    Files.createDirectories(copy.resolve("archive_status"));
                    user.own(copy.resolve("archive_status"));
                }
                return emptied ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (SKIPPED_FILES.contains(name) || name.startsWith("pgsql_tmp")) {
                    return FileVisitResult.CONTINUE;
                }
                Path copy = target.resolve(source.relativize(file).toString());
                try {
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException e) {
                    return FileVisitResult.CONTINUE; // removed by the server while copying, as the backup API allows
                }
                user.own(copy);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }
}
