package dev.pgcdc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.pgcdc.embedded.junit.Await;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The change body converted to byte[] and String (what a producer asks Camel's type converters for, e.g. camel-kafka
 * for its serializer) is, byte for byte, what {@code marshal: json} writes: routes can drop the marshal step.
 */
class JsonConverterTest extends DefaultClusterTest {

    /** One change as the converters and as camel-jackson wrote it. */
    record Written(String operation, byte[] converted, String convertedText, byte[] marshalled) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "debezium"})
    void theConvertedBodyIsWhatMarshalJsonWrites(String outputFormat) throws Exception {
        String slot = uniqueSlot("jsonconv");
        String table = slot + "_t";
        pg().execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric, ratio float8,"
                + " at timestamptz, day date, doc jsonb, raw bytea, tags text[], ref uuid)",
                "ALTER TABLE " + table + " REPLICA IDENTITY FULL");
        List<Written> written = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(slot, "tables=public." + table + "&emitMessages=true&outputFormat=" + outputFormat))
                        .setProperty("converted", simple("${body}", byte[].class))
                        .setProperty("convertedText", simple("${body}", String.class))
                        .marshal().json()
                        .process(e -> written.add(new Written(e.getIn().getHeader("CamelPgCdcOperation", String.class),
                                e.getProperty("converted", byte[].class), e.getProperty("convertedText", String.class),
                                e.getIn().getBody(byte[].class))));
            }
        });
        awaitStreaming(slot);
        pg().execute("INSERT INTO " + table + " VALUES (1, 'a \"quoted\" \\ back\tslash ünï 😀 \u0001', 12345.678900,"
                        + " 'NaN', '2026-01-02 03:04:05.123456+02', 'infinity', '{\"k\": [1, \"é\", null]}',"
                        + " '\\x00ff', '{x,NULL,\"y z\"}', gen_random_uuid())",
                "SELECT pg_logical_emit_message(true, 'audit', 'ünï text')",
                "UPDATE " + table + " SET name = NULL, ratio = 1e-7 WHERE id = 1",
                "DELETE FROM " + table + " WHERE id = 1");
        Await.until("four changes written", Duration.ofSeconds(60), written::size, n -> n >= 4);

        assertThat(written).extracting(Written::operation).containsExactly("c", "m", "u", "d");
        assertThat(written).allSatisfy(w -> {
            String marshalled = new String(w.marshalled(), StandardCharsets.UTF_8);
            assertThat(new String(w.converted(), StandardCharsets.UTF_8)).isEqualTo(marshalled);
            assertThat(w.converted()).isEqualTo(w.marshalled());
            assertThat(w.convertedText()).isEqualTo(marshalled);
        });
    }

}
