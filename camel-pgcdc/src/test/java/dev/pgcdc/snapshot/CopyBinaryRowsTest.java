package dev.pgcdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.pgcdc.decode.value.BuiltinType;
import dev.pgcdc.decode.value.ValueCodec;
import dev.pgcdc.pg.TableName;
import org.junit.jupiter.api.Test;

/**
 * Binary COPY as the server sends it: the header with the first row, then a message per row, then the trailer;
 * NULLs, the key texts after the row, and what does not fit the table.
 */
class CopyBinaryRowsTest {

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private final TableLayout table = new TableLayout(TableName.of("public", "t"), List.of("id", "name"),
            new ValueCodec[] {BuiltinType.INT8, BuiltinType.TEXT}, List.of("id"), new int[] {0}, List.of("bigint"),
            2, null, false);

    @Test
    void readsRowsAcrossMessagesWithTheLastRowsKeyText() throws IOException {
        CopyBinaryRows reader = new CopyBinaryRows(table, 1);
        List<Object[]> rows = new ArrayList<>();
        reader.read(message(true, row(7L, "seven", "7")), rows);
        reader.read(message(false, row(8L, null, "8")), rows);
        reader.read(message(false, trailer()), rows);

        assertThat(rows).containsExactly(new Object[] {7L, "seven"}, new Object[] {8L, null});
        assertThat(reader.lastKeyTexts()).containsExactly("8");
    }

    @Test
    void anEmptyCopyHasNoLastKey() throws IOException {
        CopyBinaryRows reader = new CopyBinaryRows(table, 1);
        List<Object[]> rows = new ArrayList<>();
        reader.read(message(true, trailer()), rows);

        assertThat(rows).isEmpty();
        assertThat(reader.lastKeyTexts()).isNull();
    }

    @Test
    void refusesWhatIsNotThisTablesBinaryCopy() throws IOException {
        byte[] textCopy = "7\tseven\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new CopyBinaryRows(table, 1).read(textCopy, new ArrayList<>()))
                .hasMessageContaining("does not start with its signature");
        byte[] withoutKeyText = message(true, row(7L, "seven"));
        assertThatThrownBy(() -> new CopyBinaryRows(table, 1).read(withoutKeyText, new ArrayList<>()))
                .hasMessageContaining("has 2 fields, expected 3");
    }

    @Test
    void refusesATruncatedRowNamingTheTableAndTheRow() throws IOException {
        List<Object[]> rows = new ArrayList<>();
        CopyBinaryRows reader = new CopyBinaryRows(table, 1);
        reader.read(message(true, row(7L, "seven", "7")), rows);
        byte[] second = message(false, row(8L, "eight", "8"));
        for (int length : new int[] {1, 4, 10, second.length - 1}) {
            byte[] truncated = Arrays.copyOf(second, length);
            assertThatThrownBy(() -> reader.read(truncated, new ArrayList<>()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("binary COPY of " + table.id() + " is truncated in row 2");
        }
    }

    /** A CopyData message: the header (first message only) and the given rows or trailer. */
    private static byte[] message(boolean first, byte[]... parts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        if (first) {
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(4); // a header extension, skipped
            out.writeInt(42);
        }
        for (byte[] part : parts) {
            out.write(part);
        }
        return bytes.toByteArray();
    }

    /** A row of an int8 and texts (null: NULL). */
    private static byte[] row(long id, String... texts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(1 + texts.length);
        out.writeInt(8);
        out.writeLong(id);
        for (String text : texts) {
            if (text == null) {
                out.writeInt(-1);
            } else {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] trailer() {
        return new byte[] {(byte) 0xFF, (byte) 0xFF};
    }
}
