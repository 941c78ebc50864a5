package dev.pgcdc.decode.value;

/**
 * Decodes values of one column's type from their text output format, exactly as the stream decodes that type: the
 * snapshot reads rows with these, so a snapshot row holds the same Java values as a streamed one.
 */
@FunctionalInterface
public interface TextDecoder {

    /** The value of {@code len} UTF-8 bytes at {@code off}. */
    Object decode(byte[] buf, int off, int len);
}
