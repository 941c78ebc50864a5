package dev.pgcdc.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Chooses the PostgreSQL binaries a cluster runs. A selection is either a major version ({@code "15"}),
 * served by the zonky binary jars (see {@link ZonkyJars} for where they are looked up), or the absolute
 * path of a local installation ({@code "/usr/lib/postgresql/15"}). An empty selection means the newest
 * major found on the classpath, which is what this module's own dependency provides.
 */
public final class PostgresBinaries {

    /** The selection tests use, e.g. {@code -Dpgcdc.test.pg=15} or {@code -Dpgcdc.test.pg=/usr/lib/postgresql/15}. */
    public static final String SELECTION_PROPERTY = "pgcdc.test.pg";
    /** A directory of zonky jars, filled by the parent pom's {@code copy-pg-binaries} execution. */
    public static final String BINARIES_DIR_PROPERTY = "pgcdc.pg.binaries.dir";

    private PostgresBinaries() {
    }

    /** The installation named by {@value #SELECTION_PROPERTY}, or the default when it is unset. */
    public static PostgresInstallation fromSystemProperty() {
        return resolve(System.getProperty(SELECTION_PROPERTY));
    }

    public static PostgresInstallation resolve(String selection) {
        if (selection == null || selection.isBlank()) {
            return major(defaultMajor());
        }
        String trimmed = selection.strip();
        if (trimmed.matches("\\d+")) {
            return major(Integer.parseInt(trimmed));
        }
        Path path = Path.of(trimmed);
        if (!path.isAbsolute()) {
            throw new PostgresException("PostgreSQL selection '" + selection
                    + "' is neither a major version (e.g. 15) nor an absolute path (e.g. /usr/lib/postgresql/15)");
        }
        return local(path);
    }

    /** The zonky binaries of a major, unpacked into the shared cache. */
    public static PostgresInstallation major(int major) {
        ZonkyJar jar = ZonkyJars.forMajor(major).orElseThrow(() -> new PostgresException(
                "no PostgreSQL " + major + " binaries: not on the classpath, not in -D" + BINARIES_DIR_PROPERTY
                        + "=" + System.getProperty(BINARIES_DIR_PROPERTY, "(unset)")
                        + ", not in the local Maven repository. Fetch them with: "
                        + ZonkyJars.dependencyGetCommand(major)));
        return PostgresInstallation.at(ArchiveCache.standard().unpacked(jar));
    }

    public static PostgresInstallation local(Path home) {
        if (!Files.isDirectory(home)) {
            throw new PostgresException("PostgreSQL installation " + home + " does not exist");
        }
        return PostgresInstallation.at(home);
    }

    /** The majors whose zonky binaries can be found without downloading, for tests that iterate over them. */
    public static SortedSet<Integer> availableMajors() {
        SortedSet<Integer> majors = new TreeSet<>();
        ZonkyJars.all().forEach(jar -> majors.add(jar.major()));
        return majors;
    }

    private static int defaultMajor() {
        return ZonkyJars.onClasspath().stream().max(ZonkyJar.BY_VERSION).map(ZonkyJar::major)
                .orElseThrow(() -> new PostgresException("no zonky PostgreSQL binaries on the classpath; add the dependency "
                        + ZonkyJars.coordinates() + " or select binaries with -D" + SELECTION_PROPERTY));
    }
}
