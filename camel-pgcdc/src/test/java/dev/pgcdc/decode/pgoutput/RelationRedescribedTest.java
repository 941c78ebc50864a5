package dev.pgcdc.decode.pgoutput;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import dev.pgcdc.decode.RecordingListener;
import dev.pgcdc.event.ChangeEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server sends a Relation message again after any invalidation of the table's cache entry (an autovacuum's ANALYZE
 * does it, mid-stream): described as before, the relation is the same instance, so the changes that follow carry the
 * same name strings as those before it; described otherwise, it is a new one.
 */
class RelationRedescribedTest {

    private static final long LSN = 0x1_0000_00ABL;
    private static final String BEGIN = "42000000000155fc50000303d36d66816d000002df";
    /** Relation 16389 public.t, replica identity default, one int4 key column "id" with the given type modifier. */
    private static final String RELATION = "5200004005" + "7075626c696300" + "7400" + "64" + "0001" + "01" + "696400"
            + "00000017";
    /** Insert into 16389 of id = '7' (text). */
    private static final String INSERT = "49000040054e0001" + "74" + "00000001" + "37";

    @Test
    void describedAsBeforeIsTheSameRelationWithTheSameNames() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        RecordingListener listener = new RecordingListener();
        decode(decoder, BEGIN + "|" + RELATION + "ffffffff" + "|" + INSERT + "|" + RELATION + "ffffffff" + "|" + INSERT,
                listener);

        assertThat(listener.relations).hasSize(2);
        assertThat(listener.relations.get(1)).isSameAs(listener.relations.get(0));
        assertThat(decoder.relation(16389)).isSameAs(listener.relations.get(0));
        ChangeEvent before = listener.changes.get(0);
        ChangeEvent after = listener.changes.get(1);
        assertThat(after.getSchema()).isEqualTo("public").isSameAs(before.getSchema());
        assertThat(after.getTable()).isEqualTo("t").isSameAs(before.getTable());
    }

    @Test
    void describedAsBeforeWithATypeThatIsNotBuiltInIsTheSameRelation() {
        // before each Relation message the server describes each type of it that is not built in (OID 99999 here,
        // which the catalog does not know: text), and the decoder resolves it again into a codec of its own
        String type = "59" + "0001869f" + "7075626c696300" + "6d6f6f6400";
        String relation = "5200004005" + "7075626c696300" + "7400" + "64" + "0002" + "01" + "696400" + "00000017"
                + "ffffffff" + "00" + "6d00" + "0001869f" + "ffffffff";
        PgOutputDecoder decoder = new PgOutputDecoder();
        RecordingListener listener = new RecordingListener();
        decode(decoder, BEGIN + "|" + type + "|" + relation + "|" + type + "|" + relation, listener);

        assertThat(listener.types).hasSize(2);
        assertThat(listener.relations).hasSize(2);
        assertThat(listener.relations.get(1)).isSameAs(listener.relations.get(0));
    }

    @Test
    void describedOtherwiseIsANewRelation() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        RecordingListener listener = new RecordingListener();
        // the column's type modifier changed
        decode(decoder, BEGIN + "|" + RELATION + "ffffffff" + "|" + RELATION + "00000010", listener);

        assertThat(listener.relations).hasSize(2);
        assertThat(listener.relations.get(1)).isNotSameAs(listener.relations.get(0));
        assertThat(decoder.relation(16389).getColumns().get(0).getTypeModifier()).isEqualTo(16);
    }

    /** Decodes each message of {@code messages} ('|' between them), each from a buffer of its own. */
    private static void decode(PgOutputDecoder decoder, String messages, RecordingListener listener) {
        for (String message : messages.split("\\|")) {
            decoder.decode(ByteBuffer.wrap(HexFormat.of().parseHex(message)), LSN, listener);
        }
    }
}
