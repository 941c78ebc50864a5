package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** json/jsonb nested as deep as PostgreSQL takes it, through the decoder and camel-jackson's own mapper. */
class DeepJsonTest extends DefaultClusterTest {

    /** Levels of objects and arrays; PostgreSQL's default max_stack_depth (2MB) takes about 12,000. */
    private static final int LEVELS = 10_000;

    @Test
    void aJsonbValueThousandsOfLevelsDeepArrivesAsToJsonbPrintsIt() throws Exception {
        String slot = uniqueSlot("deepjson");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, doc jsonb, raw json)");
        List<String> bodies = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=" + table)).marshal().json().process(e -> bodies.add(e.getIn().getBody(String.class)));
            }
        });
        awaitStreaming(slot);
        String deep = "repeat('{\"a\":[', " + LEVELS / 2 + ") || '1' || repeat(']}', " + LEVELS / 2 + ")";
        pg().execute("INSERT INTO " + table + " VALUES (1, (" + deep + ")::jsonb, (" + deep + ")::json)",
                "INSERT INTO " + table + " VALUES (2, '[1]', '[1]')");
        Await.until("both rows delivered", Duration.ofSeconds(60), bodies::size, n -> n >= 2);

        String expected = pg().queryForObject("SELECT to_jsonb(doc)::text FROM " + table + " WHERE id = 1", String.class);
        String body = bodies.get(0);
        // the value holds no strings, so PostgreSQL's spaces after ':' and ',' are the only difference in spelling
        String after = "\"after\":{\"id\":1,\"doc\":" + expected.replace(" ", "") + ",\"raw\":" + expected.replace(" ", "") + "}";
        assertThat(body).contains(after);
        assertThat(bodies.get(1)).contains("\"after\":{\"id\":2,\"doc\":[1],\"raw\":[1]}");
    }
}
