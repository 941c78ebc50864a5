package dev.pgcdc.decode.pgoutput;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.event.ChangeEvent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every common type, edge values and NULLs, decoded from a real server's pgoutput stream (text and binary
 * mode) and serialised to JSON, must equal what the same server's to_jsonb says each row is.
 */
class CapturedTypesTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @ParameterizedTest
    @ValueSource(strings = {CapturedStream.TEXT, CapturedStream.BINARY})
    void afterSerialisesAsToJsonb(String capture) throws Exception {
        Map<String, JsonNode> expected = expectedRows();
        List<ChangeEvent> inserts = CapturedStream.decode(capture).changesOf("types_t");
        assertThat(inserts).hasSize(expected.size());
        for (ChangeEvent insert : inserts) {
            JsonNode actual = EXACT.readTree(PLAIN.writeValueAsString(insert)).get("after");
            ObjectNode wanted = ((ObjectNode) expected.get(actual.get("id").asText()).deepCopy());
            wanted.retain(fieldNames(actual)); // the binary publication leaves some columns out
            assertThat(actual.size()).isGreaterThan(30);
            assertThat(actual.equals((a, b) -> sameValue(a, b) ? 0 : 1, wanted))
                    .as("row %s\nours:     %s\nto_jsonb: %s", actual.get("id"), actual, wanted)
                    .isTrue();
        }
    }

    private static Map<String, JsonNode> expectedRows() throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : CapturedStream.lines("/capture/types-to_jsonb.txt")) {
            String[] parts = line.split("\t", 2);
            rows.put(parts[0], EXACT.readTree(parts[1]));
        }
        return rows;
    }

    /** Numbers compare by value (1.1 == 1.10, 1.0E300 == 1000...0), everything else exactly. */
    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
        }
        return a.equals(b);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
