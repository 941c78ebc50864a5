package dev.pgcdc.decode.value;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.core.JsonFactory;

/**
 * Parses json/jsonb text into a Jackson tree that keeps every number exactly as the server wrote it
 * ({@code 1.50} stays {@code 1.50}, no double rounding, no trailing-zero stripping).
 */
final class JsonText {

    private static final ObjectReader READER = JsonMapper.builder(JsonFactory.builder()
                    // PostgreSQL's limits (numeric: 131072 digits, jsonb: 255 MB, nesting: as deep as its stack
                    // allows, thousands of levels) exceed Jackson's defaults; the tree is built without recursion
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE)
                            .maxStringLength(Integer.MAX_VALUE)
                            .maxNestingDepth(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build()
            .readerFor(JsonNode.class);

    private JsonText() {
    }

    static JsonNode parse(String text) {
        try {
            return READER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
