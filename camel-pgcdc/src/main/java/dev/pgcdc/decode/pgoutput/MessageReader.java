package dev.pgcdc.decode.pgoutput;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.event.Lsn;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked big-endian reads over one pgoutput message. Every read names what it reads, so a
 * short message fails with a {@link DecodeException} saying which field was cut off, never with an
 * IndexOutOfBoundsException from deep inside.
 */
final class MessageReader {

    private final byte[] buf;
    private final int start;
    private final int end;
    /** The message's LSN, made an {@link Lsn} only when a change or an error asks for it. */
    private final long lsn;
    private int pos;
    private char type;

    MessageReader(byte[] buf, int start, int end, long lsn) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.lsn = lsn;
        this.pos = start;
    }

    /** Reads the message type byte; later errors name that type. */
    char readType() {
        type = (char) (readByte("message type") & 0xFF);
        return type;
    }

    char type() {
        return type;
    }

    Lsn lsn() {
        return Lsn.of(lsn);
    }

    byte[] buffer() {
        return buf;
    }

    int position() {
        return pos;
    }

    byte readByte(String what) {
        require(1, what);
        return buf[pos++];
    }

    short readInt16(String what) {
        require(2, what);
        short v = (short) ((buf[pos] & 0xFF) << 8 | buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    int readInt32(String what) {
        require(4, what);
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | buf[pos + 3] & 0xFF;
        pos += 4;
        return v;
    }

    long readInt64(String what) {
        require(8, what);
        long high = readInt32(what) & 0xFFFFFFFFL;
        return high << 32 | readInt32(what) & 0xFFFFFFFFL;
    }

    /** A null-terminated string (names are in the database encoding; we require UTF-8). */
    String readString(String what) {
        for (int i = pos; i < end; i++) {
            if (buf[i] == 0) {
                String s = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 1;
                return s;
            }
        }
        throw error("truncated message: " + what + " has no terminating zero byte (" + describePosition() + ")");
    }

    /** Checks that {@code length} bytes follow and skips them; returns where they start. */
    int skip(int length, String what) {
        if (length < 0) {
            throw error("negative length " + length + " for " + what + " (" + describePosition() + ")");
        }
        require(length, what);
        int at = pos;
        pos += length;
        return at;
    }

    void expectEnd() {
        if (pos != end) {
            throw error((end - pos) + " unexpected trailing bytes (" + describePosition() + ")");
        }
    }

    DecodeException error(String problem) {
        return new DecodeException(problem, Lsn.of(lsn), type, null);
    }

    DecodeException error(String problem, Throwable cause) {
        return new DecodeException(problem, Lsn.of(lsn), type, cause);
    }

    private void require(int n, String what) {
        if (end - pos < n) {
            throw error("truncated message: " + what + " needs " + n + " bytes, only " + (end - pos)
                    + " left (" + describePosition() + ")");
        }
    }

    private String describePosition() {
        return "at offset " + (pos - start) + " of " + (end - start) + " bytes";
    }
}
