package dev.pgcdc.decode.wal2json;

import dev.pgcdc.pg.Catalog;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.RecordingListener;
import dev.pgcdc.decode.RefusingListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.pg.TableDescription;
import dev.pgcdc.decode.value.BuiltinType;
import dev.pgcdc.pg.TypeDescription;
import dev.pgcdc.decode.value.TypeRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.pgcdc.event.Lsn;
import org.junit.jupiter.api.Test;

/** The wal2json decoders on hand-written output; the end-to-end tests compare them with pgoutput on a server. */
class Wal2JsonDecoderTest {

    /** public.t (id int PRIMARY KEY, doc text, b bytea) under REPLICA IDENTITY DEFAULT. */
    private static final Catalog CATALOG = new Catalog() {
        @Override
        public TypeDescription type(int oid) {
            return null;
        }

        @Override
        public List<String> primaryKey(int relationOid) {
            return List.of("id");
        }

        @Override
        public TableDescription table(String schema, String table) {
            return new TableDescription(42, RelationInfo.IDENTITY_DEFAULT, List.of(
                    new TableDescription.Column("id", BuiltinType.INT4.oid(), -1, true),
                    new TableDescription.Column("doc", BuiltinType.TEXT.oid(), -1, false),
                    new TableDescription.Column("b", BuiltinType.BYTEA.oid(), -1, false)));
        }
    };

    private static final String VERSION_1 = "{\"xid\":7,\"nextlsn\":\"0/200\","
            + "\"timestamp\":\"2026-11-22 10:00:00.5+00\",\"change\":[{\"kind\":\"insert\",\"schema\":\"public\","
            + "\"table\":\"t\",\"columnnames\":[\"id\",\"doc\","
            + "\"b\"],\"columntypeoids\":[23,25,17],\"columnvalues\":[1,\"x\",\"00ff\"]},{\"kind\":\"update\","
            + "\"schema\":\"public\",\"table\":\"t\",\"columnnames\":[\"id\",\"b\"],\"columntypeoids\":[23,17],"
            + "\"columnvalues\":[1,null],\"oldkeys\":{\"keynames\":[\"id\"],\"keytypeoids\":[23],\"keyvalues\":[1]}}]}";

    @Test
    void version1IsReadIncrementallyWhereverThePiecesEnd() {
        byte[] document = VERSION_1.getBytes(StandardCharsets.UTF_8);
        for (int pieceSize : new int[] {document.length, 1, 7, 64}) {
            Wal2JsonV1Decoder decoder = new Wal2JsonV1Decoder(TypeRegistry.natural(CATALOG), CATALOG, ColumnFilter.ALL);
            RecordingListener listener = new RecordingListener();
            for (int at = 0; at < document.length; at += pieceSize) {
                int end = Math.min(document.length, at + pieceSize);
                decoder.decode(ByteBuffer.wrap(document, at, end - at), 0x100 + at, listener);
            }
            assertThat(listener.changes).as("pieces of %d bytes", pieceSize).hasSize(2);
            assertThat(listener.changes.get(0).getAfter()).containsEntry("id", 1).containsEntry("doc", "x");
            assertThat((byte[]) listener.changes.get(0).getAfter().get("b")).containsExactly(0x00, 0xff);
            // doc is missing from the update's new row: an unchanged TOAST value
            assertThat(listener.changes.get(1).getUnchanged()).containsExactly("doc");
            assertThat(listener.changes.get(1).getBefore()).isNull(); // the old key equals the new one
            assertThat(listener.changes.get(1).getKey()).isEqualTo(Map.of("id", 1));
            assertThat(listener.changes.get(1).getCommitLsn()).isEqualTo(Lsn.parse("0/200"));
            assertThat(listener.calls.get(listener.calls.size() - 1)).startsWith("commit");
        }
    }

    /**
     * A catalog lookup that fails (PgCatalog's lost connection) is not the change's fault: it ends the decoding, so the
     * session reconnects and decodes the change again, instead of the route getting it as undecodable (which a
     * dead-letter channel would complete, confirming past a good change).
     */
    @Test
    void aFailingCatalogEndsTheDecodingInsteadOfMakingTheChangeUndecodable() {
        IllegalStateException lost = new IllegalStateException("Cannot describe public.t: connection lost");
        Catalog failing = new Catalog() {
            @Override
            public TypeDescription type(int oid) {
                return null;
            }

            @Override
            public List<String> primaryKey(int relationOid) {
                throw lost;
            }

            @Override
            public TableDescription table(String schema, String table) {
                throw lost;
            }
        };
        RecordingListener v1 = new RecordingListener();
        assertThatThrownBy(() -> new Wal2JsonV1Decoder(TypeRegistry.natural(failing), failing, ColumnFilter.ALL)
                .decode(ByteBuffer.wrap(VERSION_1.getBytes(StandardCharsets.UTF_8)), 0x100, v1)).isSameAs(lost);
        assertThat(v1.calls).noneMatch(call -> call.startsWith("undecodable"));
        Wal2JsonDecoder v2 = new Wal2JsonDecoder(TypeRegistry.natural(failing), failing, ColumnFilter.ALL);
        v2.decode(ByteBuffer.wrap(BEGIN_2.getBytes(StandardCharsets.UTF_8)), 0x100, new RecordingListener());
        assertThatThrownBy(() -> v2.decode(ByteBuffer.wrap(INSERT_2.getBytes(StandardCharsets.UTF_8)), 0x110,
                new RecordingListener())).isSameAs(lost);
    }

    /** What the listener throws is its own, even an IllegalArgumentException: it is not reported as undecodable. */
    @Test
    void version2PassesTheListenersExceptionThrough() {
        IllegalArgumentException refused = new IllegalArgumentException("refused by the listener");
        DecodeListener listener = new RefusingListener(refused);
        Wal2JsonDecoder decoder = new Wal2JsonDecoder(TypeRegistry.natural(CATALOG), CATALOG, ColumnFilter.ALL);
        decoder.decode(ByteBuffer.wrap(BEGIN_2.getBytes(StandardCharsets.UTF_8)), 0x100, listener);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(INSERT_2.getBytes(StandardCharsets.UTF_8)), 0x110,
                listener)).isSameAs(refused);
    }

    private static final String BEGIN_2 = "{\"action\":\"B\",\"xid\":7,\"lsn\":\"0/100\","
            + "\"timestamp\":\"2026-11-22 10:00:00.5+00\",\"nextlsn\":\"0/200\"}";
    private static final String INSERT_2 = "{\"action\":\"I\",\"schema\":\"public\",\"table\":\"t\","
            + "\"columns\":[{\"name\":\"id\",\"type\":\"integer\",\"typeoid\":23,\"value\":1}],"
            + "\"pk\":[{\"name\":\"id\",\"type\":\"integer\",\"typeoid\":23}]}";

    @Test
    void malformedVersion2MessageNamesThePluginAndTheLsn() {
        Wal2JsonDecoder decoder = new Wal2JsonDecoder(TypeRegistry.natural(CATALOG), CATALOG, ColumnFilter.ALL);
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap("{\"action\":\"I\",".getBytes(StandardCharsets.UTF_8)),
                0x1234, new RecordingListener()))
                .isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("Cannot decode wal2json Insert ('I') message at LSN 0/1234: malformed");
    }
}
