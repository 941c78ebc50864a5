package dev.pgcdc.decode.wal2json;

import dev.pgcdc.decode.value.BuiltinType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The columns of one tuple as wal2json printed them, in column order: names, type OIDs (option
 * {@code include-type-oids}) and values as PostgreSQL's output function wrote them (null for SQL NULL). wal2json
 * leaves unchanged TOAST columns out altogether.
 */
final class Wal2JsonColumns {

    private final List<String> names = new ArrayList<>();
    private final List<Integer> typeOids = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    void add(String name, int typeOid, String value) {
        names.add(name);
        typeOids.add(typeOid);
        values.add(value);
    }

    int size() {
        return names.size();
    }

    String name(int i) {
        return names.get(i);
    }

    int typeOid(int i) {
        return typeOids.get(i);
    }

    /** The value's text as the type's output function printed it, or null. */
    String text(int i) {
        String value = values.get(i);
        // wal2json cuts the "\x" off bytea's hex output (only for bytea itself, not domains or arrays of it)
        return value != null && typeOids.get(i) == BuiltinType.BYTEA.oid() ? "\\x" + value : value;
    }

    /**
     * The text of the JSON value the parser is at. wal2json prints booleans as JSON booleans, numbers as JSON numbers
     * (their text is the output function's, so it is used as is) and everything else as JSON strings.
     */
    static String valueText(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return "t";
            case VALUE_FALSE:
                return "f";
            case VALUE_STRING:
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return parser.getText();
            default:
                throw new IllegalArgumentException("unexpected JSON " + token + " as a column value");
        }
    }
}
