package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.stream.Heartbeat;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Heartbeat messages never reach the route, also when the route asks for logical decoding messages (pgoutput then
 * sends every message, the heartbeats' too).
 */
class HeartbeatMessageTest extends DefaultClusterTest {

    @Test
    void withMessagesOnTheRouteGetsOtherMessagesButNoHeartbeat() throws Exception {
        String slot = uniqueSlot("hbmsg");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        List<LogicalMessage> messages = new ArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&emitMessages=true&heartbeatInterval=100"))
                        .process(e -> {
                            if (e.getIn().getBody() instanceof LogicalMessage message) {
                                synchronized (messages) {
                                    messages.add(message);
                                }
                            }
                        });
            }
        });
        awaitStreaming(slot);
        // a heartbeat committed before the application's message is decoded before it
        Await.until("a heartbeat written", Duration.ofSeconds(20), () -> pg().queryForObject(
                "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'pgcdc heartbeat'"
                        + " AND state = 'idle' AND query LIKE '%pg_logical_emit_message%'", Integer.class) > 0);
        pg().execute("SELECT pg_logical_emit_message(true, 'app', 'hello')");

        List<LogicalMessage> received = Await.until("the application's message", Duration.ofSeconds(30), () -> {
            synchronized (messages) {
                return new ArrayList<>(messages);
            }
        }, l -> l.stream().anyMatch(m -> m.getPrefix().equals("app")));
        assertThat(received).extracting(LogicalMessage::getPrefix).doesNotContain(Heartbeat.MESSAGE_PREFIX)
                .containsExactly("app");
    }
}
