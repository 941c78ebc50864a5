package dev.pgcdc.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgcdc.embedded.PostgresServer;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Operation;

/**
 * A consumer that applies change events in order (upsert on r/c/u, delete on d, clear on t) to in-memory tables of
 * JSON rows, and the source's tables as {@code to_jsonb} gives them: the two must be equal once the stream caught up.
 * Rows go through JSON text on both sides, so values compare exactly as the JSON contract promises.
 */
public final class AppliedTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<JsonNode, JsonNode>> tables = new HashMap<>();

    public void apply(ChangeEvent event) {
        apply(parse(write(event)));
    }

    /** Applies an event in its JSON form (src/ARCHITECTURE.md, "The exchange contract"). */
    public synchronized void apply(JsonNode json) {
        Map<JsonNode, JsonNode> rows = tables.computeIfAbsent(json.get("table").asText(), t -> new HashMap<>());
        switch (Operation.fromCode(json.get("op").asText())) {
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

    /** What differs between the source's table and the one applied here, as {@link #differences} says it. */
    public List<String> differencesFromSource(PostgresServer pg, String table, List<String> keyColumns) {
        return differences(source(pg, table, keyColumns), table(table));
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

    /** What differs between the source and the applied rows, briefly: counts and the first few keys of each kind. */
    public static List<String> differences(Map<JsonNode, JsonNode> source, Map<JsonNode, JsonNode> applied) {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        source.forEach((key, row) -> {
            JsonNode got = applied.get(key);
            if (got == null) {
                missing.add(key.toString());
            } else if (!got.equals(row)) {
                wrong.add(key + " source " + row + " applied " + got);
            }
        });
        applied.keySet().stream().filter(key -> !source.containsKey(key)).forEach(key -> extra.add(key.toString()));
        List<String> result = new ArrayList<>();
        describe(result, "missing", missing);
        describe(result, "different", wrong);
        describe(result, "extra", extra);
        return result;
    }

    private static void describe(List<String> result, String kind, List<String> keys) {
        if (!keys.isEmpty()) {
            result.add(keys.size() + " " + kind + ", e.g. " + keys.subList(0, Math.min(5, keys.size())));
        }
    }

    private static JsonNode keyOf(JsonNode image, JsonNode key) {
        ObjectNode result = JSON.createObjectNode();
        key.fieldNames().forEachRemaining(c -> result.set(c, image.get(c)));
        return result;
    }

    static String write(Object value) {
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
