package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.junit.Await;
import dev.pgcdc.event.ChangeEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

/**
 * A change pgcdc cannot decode reaches the route as a failed exchange: a dead-letter channel takes it and the stream
 * moves on; without one the stream stops there and health says why. The undecodable change is a real one: a row of a
 * composite type that gained an attribute before the change was decoded (decoding reads today's catalog).
 */
class UndecodableChangeTest extends DefaultClusterTest {

    private static final String PROBLEM = "has 3 attributes but the value has 2";

    @Test
    void aDeadLetterChannelTakesTheUndecodableChangeAndTheStreamMovesOn() throws Exception {
        String slot = uniqueSlot("undecodable_dlc");
        String table = backlogWithAnUndecodableChange(slot);
        List<Exchange> dead = new CopyOnWriteArrayList<>();
        Received received = new Received();
        startWithDeadLetters(uri(slot, "tables=" + table), dead, received);
        ChangeEvent after = received.await(1).get(0);
        assertThat(after.getAfter().get("id")).isEqualTo(2);
        assertThat(dead).hasSize(1);
        Exception failure = dead.get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertThat(failure.getMessage()).contains("Cannot decode", PROBLEM);
        assertThat(dead.get(0).getIn().getBody(String.class)).contains(PROBLEM);
        long commit = after.getCommitLsn().value();
        Await.until("confirmed past the change behind it", Duration.ofSeconds(20), () -> confirmedFlush(slot) > commit);
    }

    @Test
    void withoutADeadLetterChannelTheStreamStopsThereAndHealthSaysWhy() throws Exception {
        String slot = uniqueSlot("undecodable");
        String table = backlogWithAnUndecodableChange(slot);
        Received received = new Received();
        long before = confirmedFlush(slot);
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).process(e -> received.add(e.getIn().getBody(ChangeEvent.class)));
            }
        });
        HealthCheck.Result health = Await.until("consumer health DOWN", Duration.ofSeconds(30),
                () -> OperationsTest.consumerHealth(context),
                r -> r.isPresent() && r.get().getState() == HealthCheck.State.DOWN).get();
        // the route saw the change fail, as any unhandled route failure
        assertThat(health.getMessage()).get().asString().contains("not handled by the route", "Cannot decode", PROBLEM);
        assertThat(received.size()).isZero();
        assertThat(confirmedFlush(slot)).isEqualTo(before);
    }

    /** A slot whose backlog holds a change that cannot be decoded any more, then an ordinary one (row 2). */
    private String backlogWithAnUndecodableChange(String slot) throws Exception {
        String table = slot + "_t";
        String type = slot + "_pair";
        pg().execute("CREATE TYPE " + type + " AS (a int, b text)",
                "CREATE TABLE " + table + " (id int PRIMARY KEY, v " + type + ")");
        CamelContext first = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).log("${body}");
            }
        });
        awaitStreaming(slot);
        first.stop();
        contexts.remove(first);
        pg().execute("INSERT INTO " + table + " VALUES (1, ROW(1, 'x'))",
                "ALTER TYPE " + type + " ADD ATTRIBUTE c int",
                "INSERT INTO " + table + " VALUES (2, NULL)");
        return table;
    }
}
