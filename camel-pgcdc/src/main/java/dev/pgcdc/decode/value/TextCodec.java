package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A type whose Java value is its text form as a String: enums, ranges, geometric and text-search types,
 * extension types such as citext, and every value when the user asked for raw text. Binary mode works only for
 * types whose binary form is that same text ({@code textsend}-like send functions, enums).
 */
record TextCodec(String typeName, boolean binaryIsText) implements ValueCodec {

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return new String(buf, off, len, StandardCharsets.UTF_8);
    }

    @Override
    public Object fromText(String text) {
        return text;
    }

    @Override
    public boolean hasBinary() {
        return binaryIsText;
    }

    @Override
    public Object fromBinary(ByteBuffer value) {
        if (!binaryIsText) {
            throw new IllegalArgumentException("binary format of " + typeName + " is not supported; use binary=false");
        }
        return BinaryValueDecoder.utf8(value);
    }
}
