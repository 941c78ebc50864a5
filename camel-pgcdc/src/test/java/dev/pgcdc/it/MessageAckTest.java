package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.pgcdc.PgCdcConsumer;
import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.LogicalMessage;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A non-transactional logical decoding message is a transaction of its own: once its exchange completed, the slot may
 * be confirmed up to its LSN (the end of its WAL record, from where the server skips it), so a new session does not
 * deliver it again.
 */
class MessageAckTest extends DefaultClusterTest {

    @Test
    void aCompletedNonTransactionalMessageIsNotDeliveredAgainByTheNextSession() throws Exception {
        String slot = uniqueSlot("ntmsg");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY)");
        List<Object> bodies = new ArrayList<>();
        AtomicBoolean failRow = new AtomicBoolean(true);
        AtomicReference<PgCdcConsumer> consumer = new AtomicReference<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                // handOffAfter=0: the route waits for the next change to be in flight, which needs the replication
                // thread reading on while the route runs
                from(uri(slot, "tables=public." + table + "&emitMessages=true&handOffAfter=0")).process(e -> {
                    Object body = e.getIn().getBody();
                    synchronized (bodies) {
                        bodies.add(body);
                    }
                    if (body instanceof LogicalMessage) {
                        // the row after it is in flight before the message completes: no idle keepalive can confirm
                        // the message's position, only its own completion
                        Await.until("the row in flight behind the message", Duration.ofSeconds(30),
                                () -> consumer.get().getInflightCount() >= 2);
                    } else if (failRow.getAndSet(false)) {
                        throw new IllegalStateException("the row fails once: the stream resumes from the slot");
                    }
                });
            }
        });
        consumer.set(consumer(contexts.get(0)));
        awaitStreaming(slot);
        pg().execute("SELECT pg_logical_emit_message(false, 'once', 'only once')",
                "INSERT INTO " + table + " VALUES (1)");
        List<Object> delivered = Await.until("the row delivered again after its failure", Duration.ofSeconds(30),
                () -> {
                    synchronized (bodies) {
                        return new ArrayList<>(bodies);
                    }
                }, l -> l.stream().filter(ChangeEvent.class::isInstance).count() == 2);
        assertThat(delivered).extracting(b -> b.getClass().getSimpleName())
                .as("the message once, the row twice").containsExactly("LogicalMessage", "ChangeEvent", "ChangeEvent");
    }
}
