package dev.pgcdc.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.pgcdc.decode.value.ValueCodec;

/**
 * Splits one row of {@code COPY ... TO STDOUT} text format into column values and decodes them with the stream's
 * own codecs ({@link ValueCodec#fromText}), so a snapshot row holds exactly what streaming would deliver for the same
 * row: both carry the type's text output, COPY merely escapes it.
 *
 * <p>The format: columns separated by tabs, the row ended by a newline, {@code \N} for NULL, and backslash escapes
 * for backslash and the control characters {@code \b \f \n \r \t \v} (COPY TO writes no others).
 */
final class CopyTextRow {

    private static final byte TAB = '\t';
    private static final byte NEWLINE = '\n';
    private static final byte BACKSLASH = '\\';

    private CopyTextRow() {
    }

    /** Decodes every column of {@code line} by its type OID. */
    static Object[] decode(byte[] line, TableLayout table) {
        Object[] values = new Object[table.columns().size()];
        int column = 0;
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i <= line.length; i++) {
            byte b = i < line.length ? line[i] : NEWLINE;
            if (b == BACKSLASH) {
                escaped = true;
                i++; // the escaped character cannot end the column
            } else if (b == TAB || b == NEWLINE) {
                if (column >= values.length) {
                    throw new IllegalArgumentException("COPY row of " + table.id() + " has more columns than the "
                            + values.length + " expected");
                }
                values[column] = value(line, start, i - start, escaped, table.codec(column));
                column++;
                if (b == NEWLINE) {
                    break;
                }
                start = i + 1;
                escaped = false;
            }
        }
        if (column != values.length) {
            throw new IllegalArgumentException("COPY row of " + table.id() + " has " + column + " columns, expected "
                    + values.length);
        }
        return values;
    }

    /** The text of one column as PostgreSQL wrote it (unescaped); for saving the last key of a chunk. */
    static String text(byte[] line, int wantedColumn) {
        int column = 0;
        int start = 0;
        for (int i = 0; i <= line.length; i++) {
            byte b = i < line.length ? line[i] : NEWLINE;
            if (b == BACKSLASH) {
                i++;
            } else if (b == TAB || b == NEWLINE) {
                if (column == wantedColumn) {
                    byte[] raw = unescape(line, start, i - start);
                    return new String(raw, StandardCharsets.UTF_8);
                }
                column++;
                start = i + 1;
            }
        }
        throw new IllegalArgumentException("COPY row has no column " + wantedColumn);
    }

    private static Object value(byte[] line, int start, int length, boolean escaped, ValueCodec codec) {
        if (!escaped) {
            return codec.fromText(line, start, length);
        }
        if (length == 2 && line[start + 1] == 'N') {
            return null;
        }
        byte[] raw = unescape(line, start, length);
        return codec.fromText(raw, 0, raw.length);
    }

    private static byte[] unescape(byte[] line, int start, int length) {
        byte[] out = new byte[length];
        int n = 0;
        for (int i = start, end = start + length; i < end; i++) {
            byte b = line[i];
            if (b != BACKSLASH) {
                out[n++] = b;
                continue;
            }
            byte next = ++i < end ? line[i] : 0;
            out[n++] = switch (next) {
                case '\\' -> '\\';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> 0x0B;
                default -> throw new IllegalArgumentException("unexpected escape \\" + (char) next + " in COPY output");
            };
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
