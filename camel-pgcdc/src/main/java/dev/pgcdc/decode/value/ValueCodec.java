package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;

/**
 * Converts the values of one PostgreSQL type to Java, from its text output and, where we support it, from its
 * binary ({@code typsend}) form. Resolved once per column by {@link TypeRegistry}, so decoding a value is one
 * virtual call, not a catalog lookup.
 */
public interface ValueCodec {

    /** The type's name, for messages. */
    String typeName();

    /** A value in the type's text output format ({@code len} UTF-8 bytes at {@code off}). */
    Object fromText(byte[] buf, int off, int len);

    /** A value in text form that is already a String (array elements, composite fields). */
    Object fromText(String text);

    /** Whether {@link #fromBinary} can decode this type: pgoutput's binary mode is all or nothing per session. */
    boolean hasBinary();

    /** A value in binary form; consumes the whole buffer. */
    Object fromBinary(ByteBuffer value);
}
