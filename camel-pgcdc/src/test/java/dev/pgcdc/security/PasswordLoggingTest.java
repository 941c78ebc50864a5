package dev.pgcdc.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.pgcdc.embedded.HostAuth;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.it.CdcTestSupport;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password read from {@code passwordFile} never passes through Camel's property resolution, which at DEBUG logs every
 * value it resolves: with Camel's own loggers at DEBUG too, it appears in no log.
 */
class PasswordLoggingTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().hostAuth(HostAuth.SCRAM_SHA_256).build();

    @TempDir
    static Path dir;

    @Override
    protected PostgresServer pg() {
        return PG.server();
    }

    @Test
    void aPasswordFileKeepsThePasswordOutOfEveryDebugLog() throws Exception {
        String slot = uniqueSlot("pwfile");
        String password = "File-S3cret-" + slot;
        Path passwordFile = Files.writeString(dir.resolve(slot), password + "\n");
        String uri = streamingRole(slot, password) + "&passwordFile=" + passwordFile;
        try (LogCapture logs = new LogCapture("org.apache.camel")) {
            streamOneChange(slot, uri);
            assertThat(logs.text()).contains("pgcdc").doesNotContain(password);
        }
    }

    /** A role that may stream the slot's table, and the endpoint URI for it without a password. */
    private String streamingRole(String slot, String password) {
        String role = slot + "_reader";
        pg().execute("CREATE TABLE " + slot + " (id int PRIMARY KEY)",
                "CREATE PUBLICATION " + slot + " FOR TABLE " + slot,
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')",
                "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + password + "'",
                "GRANT SELECT ON " + slot + " TO " + role);
        return "pgcdc:" + slot + "?host=" + pg().host() + "&port=" + pg().port() + "&database=postgres&user=" + role
                + "&snapshotMode=never";
    }

    private void streamOneChange(String slot, String uri) throws Exception {
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + slot + " VALUES (1)");
        received.await(1);
    }
}
