package dev.pgcdc.decode.wal2json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.pgcdc.decode.DecodeException;
import dev.pgcdc.decode.DecodeListener;
import dev.pgcdc.decode.RecordingListener;
import dev.pgcdc.decode.RefusingListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.decode.value.BuiltinType;
import dev.pgcdc.decode.value.TypeRegistry;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.filter.ColumnFilter;
import dev.pgcdc.pg.Catalog;
import dev.pgcdc.pg.TableDescription;
import dev.pgcdc.pg.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * A format-version 1 change that cannot be decoded is reported in its place, and the rest of its transaction, its
 * commit and the transactions after it still arrive, whether the document came whole or in pieces. The documents are
 * what wal2json 2.5 on PostgreSQL 15 printed for {@code BEGIN; INSERT (1, ROW(1,'x')); INSERT (2, NULL);
 * INSERT (3, ROW(3,'z')); COMMIT; INSERT (4, NULL)} into {@code t (id int PRIMARY KEY, v pair)}, decoded after
 * {@code ALTER TYPE pair ADD ATTRIBUTE c int}: the values of rows 1 and 3 have one attribute too few for today's type.
 */
class Wal2JsonV1UndecodableTest {

    private static final int PAIR = 16386;

    private static final Catalog CATALOG = new Catalog() {
        @Override
        public TypeDescription type(int oid) {
            return oid != PAIR ? null : new TypeDescription(PAIR, "pair", TypeDescription.COMPOSITE, 0, ',', 0,
                    "record_send", List.of(new TypeDescription.Attribute("a", BuiltinType.INT4.oid()),
                    new TypeDescription.Attribute("b", BuiltinType.TEXT.oid()),
                    new TypeDescription.Attribute("c", BuiltinType.INT4.oid())));
        }

        @Override
        public List<String> primaryKey(int relationOid) {
            return List.of("id");
        }

        @Override
        public TableDescription table(String schema, String table) {
            return new TableDescription(16388, RelationInfo.IDENTITY_DEFAULT, List.of(
                    new TableDescription.Column("id", BuiltinType.INT4.oid(), -1, true),
                    new TableDescription.Column("v", PAIR, -1, false)));
        }
    };

    private static String insert(String values) {
        return "{\"kind\":\"insert\",\"schema\":\"public\",\"table\":\"t\",\"columnnames\":[\"id\",\"v\"],"
                + "\"columntypeoids\":[23,16386],\"columnvalues\":[" + values + "],"
                + "\"pk\":{\"pknames\":[\"id\"],\"pktypes\":[]}}";
    }

    private static final String OPEN_726 = "{\"xid\":726,\"nextlsn\":\"0/153D0C0\","
            + "\"timestamp\":\"2026-12-05 21:40:51.437732+00\",\"change\":[";
    private static final String OPEN_727 = "{\"xid\":727,\"nextlsn\":\"0/153D1A8\","
            + "\"timestamp\":\"2026-12-05 21:41:32.308993+00\",\"change\":[";
    private static final String CLOSE = "]}";

    /** With write-in-chunks: the pieces and the LSNs the server sent them at. */
    private static final List<Piece> CHUNKED = List.of(
            new Piece("0/153CE80", OPEN_726),
            new Piece("0/153CE80", insert("1,\"(1,x)\"")),
            new Piece("0/153CF78", "," + insert("2,null")),
            new Piece("0/153CFF8", "," + insert("3,\"(3,z)\"")),
            new Piece("0/153D0C0", CLOSE),
            new Piece("0/153D0F8", OPEN_727),
            new Piece("0/153D0F8", insert("4,null")),
            new Piece("0/153D1A8", CLOSE));

    /** Without write-in-chunks: a message per transaction. */
    private static final List<Piece> WHOLE = List.of(
            new Piece("0/153D0C0", OPEN_726 + insert("1,\"(1,x)\"") + "," + insert("2,null") + ","
                    + insert("3,\"(3,z)\"") + CLOSE),
            new Piece("0/153D1A8", OPEN_727 + insert("4,null") + CLOSE));

    private record Piece(String lsn, String json) {
    }

    @Test
    void wholeDocumentsGoOnAfterAnUndecodableChange() {
        RecordingListener listener = feed(WHOLE);
        assertThat(listener.calls).containsExactly(
                "begin 726 0/153D0C0",
                "undecodable I 0/153D0C0",
                "relation t",
                "change c t",
                "undecodable I 0/153D0C0",
                "commit 0/153D0C0 0/153D0C0",
                "begin 727 0/153D1A8",
                "change c t",
                "commit 0/153D1A8 0/153D1A8");
        assertThat(listener.changes).extracting(e -> e.getAfter().get("id")).containsExactly(2, 4);
    }

    @Test
    void documentsInPiecesGoOnAfterAnUndecodableChange() {
        RecordingListener listener = feed(CHUNKED);
        assertThat(listener.calls).containsExactly(
                "begin 726 0/153D0C0",
                "undecodable I 0/153CE80",
                "relation t",
                "change c t",
                "undecodable I 0/153CFF8",
                "commit 0/153D0C0 0/153D0C0",
                "begin 727 0/153D1A8",
                "change c t",
                "commit 0/153D1A8 0/153D1A8");
        assertThat(listener.changes).extracting(e -> e.getAfter().get("id")).containsExactly(2, 4);
        assertThat(listener.changes).extracting(ChangeEvent::getLsn)
                .containsExactly(Lsn.parse("0/153CF78"), Lsn.parse("0/153D0F8"));
    }

    @Test
    void aDocumentThatIsNotJsonDoesNotStopTheNextOne() {
        Wal2JsonV1Decoder decoder = decoder();
        RecordingListener listener = new RecordingListener();
        String broken = OPEN_726 + insert("2,null").replace("\"table\":", "\"table\"::") + CLOSE;
        assertThatThrownBy(() -> decode(decoder, new Piece("0/153D0C0", broken), listener))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("at LSN 0/153D0C0");
        listener.calls.clear();
        decode(decoder, WHOLE.get(1), listener);
        assertThat(listener.calls).containsExactly("begin 727 0/153D1A8", "relation t", "change c t",
                "commit 0/153D1A8 0/153D1A8");
    }

    @Test
    void whatTheListenerThrowsPassesThroughUnchanged() {
        IllegalStateException refused = new IllegalStateException("the stream's connection is gone");
        DecodeListener listener = new RefusingListener(refused);
        Wal2JsonV1Decoder whole = decoder();
        assertThatThrownBy(() -> decode(whole, WHOLE.get(1), listener)).isSameAs(refused);
        Wal2JsonV1Decoder chunked = decoder();
        decode(chunked, CHUNKED.get(5), listener);
        assertThatThrownBy(() -> decode(chunked, CHUNKED.get(6), listener)).isSameAs(refused);
    }

    private static Wal2JsonV1Decoder decoder() {
        return new Wal2JsonV1Decoder(TypeRegistry.natural(CATALOG), CATALOG, ColumnFilter.ALL);
    }

    /**
     * Feeds the pieces in order. A piece that throws (a document that cannot be read on) is recorded as the session
     * would hold it, in the change's place.
     */
    private static RecordingListener feed(List<Piece> pieces) {
        Wal2JsonV1Decoder decoder = decoder();
        RecordingListener listener = new RecordingListener();
        for (Piece piece : pieces) {
            try {
                decode(decoder, piece, listener);
            } catch (DecodeException e) {
                listener.calls.add("undecodable " + e.getMessageType() + " " + e.getLsn());
            }
        }
        return listener;
    }

    private static void decode(Wal2JsonV1Decoder decoder, Piece piece, DecodeListener listener) {
        decoder.decode(ByteBuffer.wrap(piece.json().getBytes(StandardCharsets.UTF_8)), Lsn.parse(piece.lsn()).value(),
                listener);
    }
}
