package dev.pgcdc.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.event.ChangeEvent;

/**
 * A consumer that applies change events in order (upsert on r/c/u, delete on d, clear on t) to in-memory tables of
 * JSON rows, and the source's tables as {@code to_jsonb} gives them: the two must be equal once the stream caught up.
 * Rows go through JSON text on both sides, so values compare exactly as the JSON contract promises.
 */
public final class AppliedTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<JsonNode, JsonNode>> tables = new HashMap<>();

    public synchronized void apply(ChangeEvent event) {
        JsonNode json = parse(write(event));
        Map<JsonNode, JsonNode> rows = tables.computeIfAbsent(event.getTable(), t -> new HashMap<>());
        switch (event.getOp()) {
            case READ, INSERT, UPDATE -> {
                JsonNode before = json.get("before");
                if (before != null && !before.isNull()) {
                    rows.remove(keyOf(before, json.get("key"))); // an update that changed the key
                }
                rows.put(json.get("key"), json.get("after"));
            }
            case DELETE -> rows.remove(json.get("key"));
            case TRUNCATE -> rows.clear();
            default -> {
            }
        }
    }

    public synchronized Map<JsonNode, JsonNode> table(String name) {
        return new HashMap<>(tables.getOrDefault(name, Map.of()));
    }

    /** Every row of the source table by key, as {@code to_jsonb(row)}. */
    public static Map<JsonNode, JsonNode> source(PostgresServer pg, String table, List<String> keyColumns) {
        Map<JsonNode, JsonNode> rows = new HashMap<>();
        for (Map<String, Object> row : pg.queryForList("SELECT to_jsonb(t)::text AS j FROM " + table + " t")) {
            JsonNode json = parse((String) row.get("j"));
            ObjectNode key = JSON.createObjectNode();
            keyColumns.forEach(c -> key.set(c, json.get(c)));
            rows.put(parse(key.toString()), json);
        }
        return rows;
    }

    private static JsonNode keyOf(JsonNode image, JsonNode key) {
        ObjectNode result = JSON.createObjectNode();
        key.fieldNames().forEachRemaining(c -> result.set(c, image.get(c)));
        return result;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
