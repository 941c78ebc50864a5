package dev.pgcdc.it;

import java.time.Duration;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.embedded.junit.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test class on the local PostgreSQL 15, started once for the class: it has wal2json installed (the zonky binaries
 * lack it), and wal2json is allowed where this server build accepts only the output plugins its
 * {@code output_plugin_libraries} lists.
 */
public abstract class Wal2JsonClusterTest extends CdcTestSupport {

    @RegisterExtension
    protected static final PostgresExtension PG =
            PostgresExtension.builder().binaries("/usr/lib/postgresql/15").build();

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @BeforeAll
    static void allowWal2json() {
        allowPlugin(PG.server(), "wal2json");
    }

    /** Where the server build restricts output plugins (setting output_plugin_libraries), allows one more. */
    static void allowPlugin(PostgresServer server, String plugin) {
        if (server.queryForObject("SELECT count(*)::int FROM pg_settings WHERE name = 'output_plugin_libraries'",
                Integer.class) > 0) {
            server.execute("ALTER SYSTEM SET output_plugin_libraries = 'pgoutput', 'test_decoding', '" + plugin + "'",
                    "SELECT pg_reload_conf()");
            // the reload is signalled, not awaited: wait until new sessions see it
            Await.until("output_plugin_libraries reloaded", Duration.ofSeconds(10), () -> server.queryForObject(
                    "SELECT setting FROM pg_settings WHERE name = 'output_plugin_libraries'", String.class)
                    .contains(plugin));
        }
    }
}
