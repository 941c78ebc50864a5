package dev.pgcdc.it;

import dev.pgcdc.embedded.junit.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.embedded.junit.PostgresExtension;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stream and acknowledge on every PostgreSQL major whose binaries the build provides (10 to 18). */
class CompatibilityTest extends CdcTestSupport {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.builder().onDemand().build();

    private PostgresServer current;

    @Override
    protected PostgresServer pg() {
        return current;
    }

    @AfterEach
    void stopCluster() {
        // one major at a time keeps memory and CPU flat on a 2-core machine
        stopContexts();
        current.stop();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("dev.pgcdc.embedded.junit.PostgresExtension#availableMajors")
    void streamsAndAcknowledges(int major) throws Exception {
        current = PG.forMajor(major);
        assertThat(current.major()).isEqualTo(major);
        String slot = uniqueSlot("compat" + major);
        String table = "\"MixedCase\"";
        current.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, note text, at timestamptz)");
        Received received = new Received();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public.\"MixedCase\"")).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        awaitStreaming(slot);
        current.execute("INSERT INTO " + table + " VALUES (1, 'a', '2026-01-02 03:04:05.5+00')",
                "UPDATE " + table + " SET note = 'b' WHERE id = 1",
                "DELETE FROM " + table + " WHERE id = 1");
        List<ChangeEvent> events = received.await(3);
        assertThat(events).extracting(e -> e.getOp().code()).containsExactly("c", "u", "d");
        assertThat(events.get(0).getTable()).isEqualTo("MixedCase");
        assertThat(events.get(0).getAfter().get("at").toString()).isEqualTo("2026-01-02T03:04:05.500Z");
        assertThat(events.get(1).getAfter().get("note")).isEqualTo("b");
        assertThat(events.get(2).getKey()).containsEntry("id", 1L);
        long last = events.get(2).getCommitLsn().value();
        Await.until("confirmed past the delete on PostgreSQL " + major, Duration.ofSeconds(20),
                () -> confirmedFlush(slot) > last);
    }
}
