package dev.pgcdc.decode.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** hstore's text (hstore_out) and binary (hstore_send) forms read into the same ordered map. */
class HstoreCodecTest {

    private final HstoreCodec codec = new HstoreCodec();

    @Test
    void textAndBinaryGiveTheSameMapInTheServersKeyOrder() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("", "");
        expected.put("a", "1");
        expected.put("n", null);
        expected.put("q\"k", "b\\s");
        expected.put("ünï", "🐘, \"=>\" NULL");
        String text = "\"\"=>\"\", \"a\"=>\"1\", \"n\"=>NULL, \"q\\\"k\"=>\"b\\\\s\", \"ünï\"=>\"🐘, \\\"=>\\\" NULL\"";

        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Map<String, String> fromText = map(codec.fromText(bytes, 0, bytes.length));
        assertThat(fromText.entrySet()).containsExactlyElementsOf(expected.entrySet());
        byte[] binary = binary(expected);
        Map<String, String> fromBinary = map(BinaryValueDecoder.decode(codec, binary, 0, binary.length));
        assertThat(fromBinary.entrySet()).containsExactlyElementsOf(expected.entrySet());
    }

    @Test
    void theEmptyHstoreIsAnEmptyMap() {
        assertThat(codec.fromText("")).isEqualTo(Map.of());
        assertThat(BinaryValueDecoder.decode(codec, new byte[4], 0, 4)).isEqualTo(Map.of());
    }

    @Test
    void theMapIsUnmodifiable() {
        Map<String, String> map = map(codec.fromText("\"a\"=>\"1\""));
        assertThatThrownBy(() -> map.put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedTextSaysWhatWasExpectedAndWhere() {
        assertThatThrownBy(() -> codec.fromText("\"a\"=>")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hstore text: expected '\"' at offset 5 of 5");
        assertThatThrownBy(() -> codec.fromText("\"a\" \"b\""))
                .hasMessage("hstore text: expected '=' at offset 4 of 7");
        assertThatThrownBy(() -> codec.fromText("\"a\"=>\"1")).hasMessage("hstore text: expected a closing '\"' at"
                + " offset 7 of 7");
        assertThatThrownBy(() -> codec.fromText("\"a\"=>\"1\" \"b\"=>\"2\""))
                .hasMessage("hstore text: expected ',' at offset 9 of 17");
    }

    @Test
    void aNullKeyInBinaryFormIsAnError() {
        ByteBuffer b = ByteBuffer.allocate(12).putInt(1).putInt(-1).putInt(-1);
        assertThatThrownBy(() -> BinaryValueDecoder.decode(codec, b.array(), 0, 12))
                .hasMessage("hstore has a NULL key");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> map(Object value) {
        return (Map<String, String>) value;
    }

    /** hstore_send's form of the map: count, then each key and value length-prefixed (-1: NULL). */
    private static byte[] binary(Map<String, String> pairs) {
        ByteBuffer b = ByteBuffer.allocate(1024).putInt(pairs.size());
        pairs.forEach((key, value) -> {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            b.putInt(k.length).put(k);
            if (value == null) {
                b.putInt(-1);
            } else {
                byte[] v = value.getBytes(StandardCharsets.UTF_8);
                b.putInt(v.length).put(v);
            }
        });
        return Arrays.copyOf(b.array(), b.position());
    }
}
