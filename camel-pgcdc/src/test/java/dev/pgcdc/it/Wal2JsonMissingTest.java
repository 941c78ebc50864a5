package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A server without wal2json (the zonky binaries have none): the start fails naming the plugin and what to do, first
 * that the server does not allow it, then, once allowed, that it is not installed.
 */
class Wal2JsonMissingTest extends DefaultClusterTest {

    @Test
    void startFailsSayingHowToAllowAndThenHowToInstallThePlugin() {
        int major = pg().queryForObject("SELECT current_setting('server_version_num')::int / 10000", Integer.class);
        if (pg().queryForObject("SELECT count(*)::int FROM pg_settings WHERE name = 'output_plugin_libraries'",
                Integer.class) > 0) {
            // this server build lets slots use only the plugins output_plugin_libraries lists
            assertThat(startFailure()).contains("wal2json is not one of them")
                    .contains("ALTER SYSTEM SET output_plugin_libraries = 'pgoutput', 'test_decoding', 'wal2json';");
            Wal2JsonClusterTest.allowPlugin(pg(), "wal2json");
        }
        assertThat(startFailure()).contains("The output plugin wal2json is not installed on the server")
                .contains("apt-get install postgresql-" + major + "-wal2json");
        assertThat(pg().replicationSlots()).isEmpty(); // the probe left nothing behind
    }

    private String startFailure() {
        String slot = uniqueSlot("no_w2j");
        Throwable failure = catchThrowable(() -> start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "plugin=wal2json")).to("log:never");
            }
        }));
        assertThat(failure).isNotNull();
        return rootMessage(failure);
    }
}
