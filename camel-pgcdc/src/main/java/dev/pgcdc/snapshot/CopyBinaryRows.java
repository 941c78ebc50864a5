package dev.pgcdc.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.pgcdc.decode.value.BinaryValueDecoder;

/**
 * Reads the rows of one {@code COPY ... TO STDOUT (FORMAT binary)} and decodes their values with the stream's own
 * binary decoders ({@link BinaryValueDecoder}, as pgoutput's binary mode does), so a snapshot row holds the same Java
 * values as a streamed one.
 *
 * <p>The format: an 11-byte signature, a flags word and a header extension (its length first), then per row a 16-bit
 * field count and each field as a 32-bit length ({@code -1}: NULL) and that many bytes, and a field count of
 * {@code -1} as the trailer. The server sends the header together with the first row and then one CopyData message
 * per row; rows are read from whole messages.
 *
 * <p>The chunk query may add the key columns as text after the table's columns ({@code keyTexts}): the last row's
 * key is saved and cast back as text, and those fields are not part of the row.
 */
final class CopyBinaryRows {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** Signature, flags and the header extension's length. */
    private static final int HEADER = SIGNATURE.length + 8;

    private final TableLayout table;
    private final int keyTexts;
    private boolean headerRead;
    private boolean ended;
    /** Where the key texts of the last row read start, in {@link #lastMessage}; decoded only when asked for. */
    private byte[] lastMessage;
    private int lastKeyAt;
    private long rowsRead;

    CopyBinaryRows(TableLayout table, int keyTexts) {
        this.table = table;
        this.keyTexts = keyTexts;
    }

    /** Decodes the rows of one CopyData message into {@code rows}. */
    void read(byte[] message, List<Object[]> rows) {
        int at = 0;
        if (!headerRead) {
            if (message.length < HEADER || !Arrays.equals(message, 0, SIGNATURE.length, SIGNATURE, 0,
                    SIGNATURE.length)) {
                throw new IllegalArgumentException("binary COPY of " + table.id() + " does not start with its"
                        + " signature");
            }
            at = HEADER + int32(message, SIGNATURE.length + 4);
            headerRead = true;
        }
        int columns = table.columns().size();
        ByteBuffer values = ByteBuffer.wrap(message);
        while (at < message.length) {
            if (ended) {
                throw new IllegalArgumentException("binary COPY of " + table.id() + " has data after its trailer");
            }
            need(message, at, 2);
            int fields = int16(message, at);
            at += 2;
            if (fields == -1) {
                ended = true;
                continue;
            }
            if (fields != columns + keyTexts) {
                throw new IllegalArgumentException("binary COPY row of " + table.id() + " has " + fields
                        + " fields, expected " + (columns + keyTexts));
            }
            Object[] row = new Object[columns];
            for (int column = 0; column < columns; column++) {
                need(message, at, 4);
                int length = int32(message, at);
                at += 4;
                if (length >= 0) {
                    need(message, at, length);
                    row[column] = BinaryValueDecoder.decode(table.codec(column), values, at, length);
                    at += length;
                }
            }
            lastMessage = message;
            lastKeyAt = at;
            for (int k = 0; k < keyTexts; k++) {
                need(message, at, 4);
                int length = int32(message, at); // a key is never NULL
                need(message, at + 4, length);
                at += 4 + length;
            }
            rows.add(row);
            rowsRead++;
        }
    }

    /** The key text of the last row read (null if none was), when the query added the key texts. */
    List<String> lastKeyTexts() {
        if (lastMessage == null) {
            return null;
        }
        List<String> key = new ArrayList<>(keyTexts);
        for (int k = 0, at = lastKeyAt; k < keyTexts; k++) {
            int length = int32(lastMessage, at);
            key.add(new String(lastMessage, at + 4, length, StandardCharsets.UTF_8));
            at += 4 + length;
        }
        return key;
    }

    /** A row's next {@code bytes} must be in the message: a row never spans two CopyData messages. */
    private void need(byte[] message, int at, int bytes) {
        if (bytes < 0 || at + bytes > message.length) {
            throw new IllegalArgumentException("binary COPY of " + table.id() + " is truncated in row "
                    + (rowsRead + 1) + ": it needs " + bytes + " bytes at offset " + at + " of a " + message.length
                    + "-byte message");
        }
    }

    // from the array, not the buffer: the decoders move the buffer's limit to the value they read
    private static int int16(byte[] b, int at) {
        return (short) ((b[at] & 0xFF) << 8 | b[at + 1] & 0xFF);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
