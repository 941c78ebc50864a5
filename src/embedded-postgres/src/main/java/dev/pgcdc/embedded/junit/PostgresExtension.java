package dev.pgcdc.embedded.junit;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.pgcdc.embedded.HostAuth;
import dev.pgcdc.embedded.PostgresBinaries;
import dev.pgcdc.embedded.PostgresCluster;
import dev.pgcdc.embedded.PostgresInstallation;
import dev.pgcdc.embedded.PostgresServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Private PostgreSQL clusters for one test class: register it in a static field, the default cluster
 * (selected by {@code -Dpgcdc.test.pg}) starts before the first test and every cluster stops, and its data
 * is deleted, after the last one, whether the tests passed or not.
 *
 * <pre>{@code
 * @RegisterExtension
 * static PostgresExtension pg = PostgresExtension.builder().setting("wal_sender_timeout", "5s").build();
 *
 * @Test void streams() { pg.server().execute("CREATE TABLE t (id int PRIMARY KEY)"); }
 *
 * @ParameterizedTest
 * @MethodSource("dev.pgcdc.embedded.junit.PostgresExtension#availableMajors")
 * void onEveryMajor(int major) { PostgresServer server = pg.forMajor(major); ... }
 * }</pre>
 *
 * Clusters of other majors start on first use and run until the class is done, so test methods that
 * each iterate over the majors share them.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final PostgresCluster.Builder options;
    private final String selection;
    private final boolean startDefaultEagerly;
    /** Running clusters by installation directory: a major that is also the default shares its cluster. */
    private final Map<Path, PostgresCluster> clusters = new LinkedHashMap<>();
    /** The cluster each request ("default", a major) got, so repeated calls skip resolving binaries. */
    private final Map<String, PostgresCluster> requests = new HashMap<>();

    private PostgresExtension(Builder builder) {
        this.options = builder.options;
        this.selection = builder.selection;
        this.startDefaultEagerly = builder.startDefaultEagerly;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** For {@code @MethodSource}: the majors whose binaries are present, oldest first. */
    public static Stream<Integer> availableMajors() {
        return PostgresBinaries.availableMajors().stream();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (startDefaultEagerly) {
            server();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        clusters.values().forEach(PostgresCluster::stop);
        clusters.clear();
        requests.clear();
    }

    /** The default cluster: {@link Builder#binaries(String)}, else {@code -Dpgcdc.test.pg}, else the newest major. */
    public PostgresServer server() {
        return cluster("default", () -> PostgresBinaries.resolve(selection));
    }

    /** A cluster of the given major from the zonky binaries, started on first use. */
    public PostgresServer forMajor(int major) {
        return cluster("major " + major, () -> PostgresBinaries.major(major));
    }

    private synchronized PostgresCluster cluster(String request, Supplier<PostgresInstallation> binaries) {
        PostgresCluster cluster = requests.get(request);
        if (cluster == null) {
            PostgresInstallation installation = binaries.get();
            cluster = clusters.computeIfAbsent(installation.home(), home -> options.installation(installation).start());
            requests.put(request, cluster);
        }
        return cluster;
    }

    public static final class Builder {
        private final PostgresCluster.Builder options = PostgresCluster.builder();
        private String selection = System.getProperty(PostgresBinaries.SELECTION_PROPERTY);
        private boolean startDefaultEagerly = true;

        private Builder() {
        }

        /** A major version ("15") or the path of a local installation, instead of -Dpgcdc.test.pg. */
        public Builder binaries(String selection) {
            this.selection = selection;
            return this;
        }

        public Builder superuser(String name, String password) {
            options.superuser(name, password);
            return this;
        }

        public Builder hostAuth(HostAuth hostAuth) {
            options.hostAuth(hostAuth);
            return this;
        }

        public Builder setting(String name, String value) {
            options.setting(name, value);
            return this;
        }

        /** Start no cluster before the tests: for classes that only use {@link #forMajor(int)}. */
        public Builder onDemand() {
            this.startDefaultEagerly = false;
            return this;
        }

        public PostgresExtension build() {
            return new PostgresExtension(this);
        }
    }
}
