package dev.pgcdc.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks zonky archives into {@code <root>/<version>/}, once per version across JVMs: each unpack goes
 * to a private temporary directory that is renamed into place, so a version directory, once visible,
 * is complete, and a JVM that loses the race simply uses the winner's.
 */
final class ArchiveCache {

    /** Overrides the cache root, {@code ${java.io.tmpdir}/pgcdc-pg} by default. */
    static final String CACHE_DIR_PROPERTY = "pgcdc.pg.cache.dir";
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveCache.class);
    /** World-readable: a root JVM runs the binaries as another user. */
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path root;

    ArchiveCache(Path root) {
        this.root = root;
    }

    static ArchiveCache standard() {
        return new ArchiveCache(Path.of(System.getProperty(CACHE_DIR_PROPERTY,
                Path.of(System.getProperty("java.io.tmpdir"), "pgcdc-pg").toString())));
    }

    /** The directory holding the unpacked archive, unpacking it first if no JVM has done so yet. */
    Path unpacked(ZonkyJar jar) {
        Path target = root.resolve(jar.version());
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging = null;
        try {
            createReadableDirectory(root);
            staging = Files.createTempDirectory(root, "." + jar.version() + "-");
            LOG.info("unpacking PostgreSQL {} from {} into {}", jar.version(), jar.archive(), target);
            unpack(jar, staging);
            Files.setPosixFilePermissions(staging, DIRECTORY_MODE);
            moveIntoPlace(staging, target);
        } catch (AtomicMoveNotSupportedException e) {
            throw new PostgresException("cannot rename within " + root + "; set -D" + CACHE_DIR_PROPERTY
                    + " to a directory on a local file system", e);
        } catch (IOException e) {
            throw new PostgresException("cannot unpack " + jar.archive() + " into " + root, e);
        } finally {
            Directories.deleteRecursively(staging);
        }
        return target;
    }

    private static void moveIntoPlace(Path staging, Path target) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Linux reports a lost race as ENOTEMPTY, which Java maps to a plain FileSystemException
            if (!Files.isDirectory(target)) {
                throw e;
            }
            LOG.debug("another thread or process unpacked {} first", target);
        }
    }

    private static void unpack(ZonkyJar jar, Path into) throws IOException {
        URLConnection connection = jar.archive().openConnection();
        connection.setUseCaches(false); // a cached JarFile would stay open for the JVM's lifetime
        try (InputStream raw = connection.getInputStream();
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(raw)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = inside(into, entry.getName());
                if (entry.isDirectory()) {
                    createReadableDirectory(path);
                } else if (entry.isSymbolicLink()) {
                    createReadableDirectory(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    createReadableDirectory(path.getParent());
                    Files.createLink(path, inside(into, entry.getLinkName()));
                } else {
                    createReadableDirectory(path.getParent());
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    /** Resolves an archive entry name, refusing names that would escape the target directory. */
    private static Path inside(Path dir, String name) throws IOException {
        Path path = dir.resolve(name).normalize();
        if (!path.startsWith(dir)) {
            throw new IOException("archive entry " + name + " points outside " + dir);
        }
        return path;
    }

    private static void createReadableDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
        }
    }

    /** The archive's mode, plus read for everyone: the server may run as a user other than the owner. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }
}
