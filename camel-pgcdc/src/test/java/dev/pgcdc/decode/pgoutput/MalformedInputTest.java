package dev.pgcdc.decode.pgoutput;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.RecordingListener;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Malformed input fails with a DecodeException naming the problem, message type and LSN. */
class MalformedInputTest {

    private static final long LSN = 0x1_0000_00ABL;

    @Test
    void everyTruncationOfEveryCapturedMessageIsADecodeException() {
        PgOutputDecoder decoder = new PgOutputDecoder(); // a failed message leaves no state behind that matters
        for (CapturedStream.Message message : CapturedStream.load(CapturedStream.TEXT)) {
            byte[] full = message.bytes();
            for (int cut = 0; cut < full.length; cut++) {
                byte[] truncated = Arrays.copyOf(full, cut);
                Throwable thrown = catchThrowable(() -> decoder.decode(ByteBuffer.wrap(truncated), LSN, new RecordingListener()));
                assertThat(thrown).as("%s cut to %d bytes", message.lsn(), cut).isInstanceOf(DecodeException.class);
            }
            decoder.decode(ByteBuffer.wrap(full), message.lsn().value(), new RecordingListener());
        }
    }

    @Test
    void truncatedMessageSaysWhatWasCutOff() {
        assertThatThrownBy(() -> decode("42000000000155fc50"))
                .isInstanceOf(DecodeException.class)
                .hasMessage("Cannot decode pgoutput Begin ('B') message at LSN 1/AB: truncated message: "
                        + "commit timestamp needs 8 bytes, only 0 left (at offset 9 of 9 bytes)")
                .satisfies(e -> assertThat(((DecodeException) e).getMessageType()).isEqualTo('B'));
    }

    @Test
    void unknownMessageType() {
        assertThatThrownBy(() -> decode("5a00")).isInstanceOf(DecodeException.class)
                .hasMessageContaining("unknown type 'Z'").hasMessageContaining("at LSN 1/AB");
    }

    @Test
    void streamingIsRejectedClearly() {
        assertThatThrownBy(() -> decode("53000002e001")).isInstanceOf(DecodeException.class)
                .hasMessageContaining("Stream Start ('S')").hasMessageContaining("streaming");
    }

    @Test
    void changeForAnUnknownRelation() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        decoder.decode(hex("42000000000155fc50000303d36d66816d000002df"), LSN, new RecordingListener());
        assertThatThrownBy(() -> decoder.decode(hex("49000040054e0000"), LSN, new RecordingListener()))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Insert ('I')").hasMessageContaining("unknown relation OID 16389");
    }

    @Test
    void changeOutsideATransaction() {
        assertThatThrownBy(() -> decode("49000040054e0000")).isInstanceOf(DecodeException.class)
                .hasMessageContaining("outside a transaction");
    }

    @Test
    void tupleColumnCountMismatch() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        decoder.decode(hex("42000000000155fc50000303d36d66816d000002df"), LSN, new RecordingListener());
        // Relation 16389 public.t, one int4 key column "id"
        decoder.decode(hex("5200004005" + "7075626c696300" + "7400" + "64" + "0001" + "01" + "696400" + "00000017" + "ffffffff"),
                LSN, new RecordingListener());
        assertThatThrownBy(() -> decoder.decode(hex("49000040054e0002" + "6e" + "6e"), LSN, new RecordingListener()))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("tuple has 2 columns but relation public.t has 1");
        assertThatThrownBy(() -> decoder.decode(hex("49000040054e0001" + "74" + "00000002" + "7a7a"), LSN, new RecordingListener()))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("cannot decode text value of column id (int4): not an integer: zz");
        assertThatThrownBy(() -> decoder.decode(hex("49000040054e0001" + "78"), LSN, new RecordingListener()))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("unknown tuple column kind 0x78 for column id");
    }

    private static void decode(String hex) {
        new PgOutputDecoder().decode(hex(hex), LSN, new RecordingListener());
    }

    private static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
    }
}
