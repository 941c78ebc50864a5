package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hstore extension's type (no fixed OID: {@link TypeRegistry} finds it by name): an unmodifiable
 * {@code Map<String, String>} of its keys to text or null values, in hstore's own key order (by length, then
 * bytewise), which is what to_jsonb makes of it (hstore's cast to json gives an object in that order).
 */
final class HstoreCodec implements ValueCodec {

    static final String TYPE_NAME = "hstore";

    /** Every hstore codec is the same: a relation described again can keep its own. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HstoreCodec;
    }

    @Override
    public int hashCode() {
        return TYPE_NAME.hashCode();
    }

    @Override
    public String typeName() {
        return TYPE_NAME;
    }

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return fromText(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    /**
     * hstore_out's form: {@code "key"=>"value"} or {@code "key"=>NULL}, separated by {@code ", "}, keys and values
     * always quoted with {@code "} and {@code \} escaped by a backslash; the empty hstore is the empty string.
     */
    @Override
    public Object fromText(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Cursor c = new Cursor(text);
        c.skipSpaces();
        while (!c.atEnd()) {
            if (!pairs.isEmpty()) {
                c.expect(',');
                c.skipSpaces();
            }
            String key = c.quoted();
            c.skipSpaces();
            c.expect('=');
            c.expect('>');
            c.skipSpaces();
            pairs.put(key, c.nullOrQuoted());
            c.skipSpaces();
        }
        return Collections.unmodifiableMap(pairs);
    }

    @Override
    public boolean hasBinary() {
        return true;
    }

    /** hstore_send: pair count, then per pair the key's length and bytes, the value's length (-1: NULL) and bytes. */
    @Override
    public Object fromBinary(ByteBuffer b) {
        int count = b.getInt();
        if (count < 0) {
            throw new IllegalArgumentException("hstore has a negative pair count " + count);
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer key = BinaryValueDecoder.lengthPrefixed(b);
            if (key == null) {
                throw new IllegalArgumentException("hstore has a NULL key");
            }
            ByteBuffer value = BinaryValueDecoder.lengthPrefixed(b);
            pairs.put(BinaryValueDecoder.utf8(key), value == null ? null : BinaryValueDecoder.utf8(value));
        }
        return Collections.unmodifiableMap(pairs);
    }

    /** A position in hstore text; errors name what was expected and where. */
    private static final class Cursor {

        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return at == text.length();
        }

        void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        void expect(char wanted) {
            if (at == text.length() || text.charAt(at) != wanted) {
                throw error("'" + wanted + "'");
            }
            at++;
        }

        String nullOrQuoted() {
            if (text.startsWith("NULL", at)) {
                at += 4;
                return null;
            }
            return quoted();
        }

        String quoted() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (at == text.length()) {
                    throw error("a closing '\"'");
                }
                char ch = text.charAt(at++);
                if (ch == '"') {
                    return sb.toString();
                }
                if (ch == '\\') {
                    if (at == text.length()) {
                        throw error("a character after '\\'");
                    }
                    ch = text.charAt(at++);
                }
                sb.append(ch);
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("hstore text: expected " + expected + " at offset " + at + " of "
                    + text.length());
        }
    }
}
