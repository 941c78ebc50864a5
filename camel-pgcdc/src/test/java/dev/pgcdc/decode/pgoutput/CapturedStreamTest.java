package dev.pgcdc.decode.pgoutput;

import dev.pgcdc.decode.ColumnInfo;
import dev.pgcdc.decode.RecordingListener;
import dev.pgcdc.decode.RelationInfo;
import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.Lsn;
import dev.pgcdc.event.Operation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The row-change semantics of a real server's pgoutput stream (see capture/workload.sql). */
class CapturedStreamTest {

    private final RecordingListener stream = CapturedStream.decode(CapturedStream.TEXT);

    @Test
    void transactionsAreFramedByBeginAndCommitWithTheSameCommitLsn() {
        ChangeEvent first = stream.changesOf("orders").get(0);
        int begin = stream.calls.indexOf("begin " + first.getTxId() + " " + first.getCommitLsn());
        assertThat(stream.calls.subList(begin, begin + 4)).containsExactly(
                "begin " + first.getTxId() + " " + first.getCommitLsn(), "relation orders", "change c orders",
                "commit " + first.getCommitLsn() + " " + Lsn.of(first.getCommitLsn().value() + 0x30));
        assertThat(first.getLsn()).isLessThan(first.getCommitLsn());
    }

    @Test
    void replicaIdentityDefaultUnchangedToastIsListedNotFaked() {
        List<ChangeEvent> orders = stream.changesOf("orders");
        assertThat(orders).extracting(ChangeEvent::getOp)
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.UPDATE, Operation.UPDATE, Operation.DELETE);

        assertThat(orders.get(0).getAfter().get("doc")).asString().hasSize(10_000);

        ChangeEvent statusOnly = orders.get(1);
        assertThat(statusOnly.getKey()).isEqualTo(Map.of("id", 7));
        assertThat(statusOnly.getBefore()).isNull();
        assertThat(statusOnly.getAfter()).containsExactly(Map.entry("id", 7), Map.entry("status", "paid"));
        assertThat(statusOnly.getUnchanged()).containsExactly("doc");

        ChangeEvent keyChange = orders.get(2);
        assertThat(keyChange.getKey()).isEqualTo(Map.of("id", 8));
        assertThat(keyChange.getBefore()).isEqualTo(Map.of("id", 7));
        assertThat(keyChange.getUnchanged()).containsExactly("doc");

        ChangeEvent docReplaced = orders.get(3);
        assertThat(docReplaced.getAfter()).containsEntry("doc", "small");
        assertThat(docReplaced.getUnchanged()).isEmpty();

        ChangeEvent delete = orders.get(4);
        assertThat(delete.getKey()).isEqualTo(Map.of("id", 8));
        assertThat(delete.getBefore()).isEqualTo(Map.of("id", 8));
        assertThat(delete.getAfter()).isNull();
    }

    @Test
    void replicaIdentityFullFillsUnchangedToastFromTheOldRow() {
        List<ChangeEvent> full = stream.changesOf("orders_full");
        String doc = "abcdefghij".repeat(1000);

        ChangeEvent statusOnly = full.get(1);
        assertThat(statusOnly.getOp()).isEqualTo(Operation.UPDATE);
        assertThat(statusOnly.getBefore()).containsExactly(
                Map.entry("id", 1), Map.entry("status", "new"), Map.entry("doc", doc));
        assertThat(statusOnly.getAfter()).containsExactly(
                Map.entry("id", 1), Map.entry("status", "paid"), Map.entry("doc", doc));
        assertThat(statusOnly.getUnchanged()).isEmpty();

        ChangeEvent keyChange = full.get(2);
        assertThat(keyChange.getBefore()).containsEntry("id", 1);
        assertThat(keyChange.getAfter()).containsEntry("id", 2).containsEntry("doc", doc);

        ChangeEvent delete = full.get(3);
        assertThat(delete.getOp()).isEqualTo(Operation.DELETE);
        assertThat(delete.getBefore()).containsEntry("id", 2).containsEntry("doc", doc);
    }

    @Test
    void replicaIdentityFullFlagsEveryColumnAsKey() {
        RelationInfo full = stream.relations.stream().filter(r -> r.getTable().equals("orders_full")).findFirst().orElseThrow();
        assertThat(full.getReplicaIdentity()).isEqualTo(RelationInfo.IDENTITY_FULL);
        assertThat(full.getColumns()).allMatch(ColumnInfo::isKey);
        assertThat(stream.changesOf("orders_full").get(0).getKey()).containsOnlyKeys("id", "status", "doc");
    }

    @Test
    void oneTransactionCarriesSeveralChangesWithACompositeKeyInColumnOrder() {
        List<ChangeEvent> tx = stream.changesOf("compound").subList(0, 4);
        assertThat(tx).extracting(ChangeEvent::getTxId).containsOnly(tx.get(0).getTxId());
        assertThat(tx).extracting(ChangeEvent::getCommitLsn).containsOnly(tx.get(0).getCommitLsn());
        assertThat(tx).extracting(ChangeEvent::getLsn).isSorted();
        assertThat(tx.get(0).getKey()).containsExactly(Map.entry("tenant", "t1"), Map.entry("id", 1L));
        assertThat(tx.get(3).getOp()).isEqualTo(Operation.DELETE);
        assertThat(tx.get(3).getBefore()).containsExactly(Map.entry("tenant", "t2"), Map.entry("id", 2L));
    }

    @Test
    void truncateGivesOneEventPerRelation() {
        List<ChangeEvent> truncates = stream.changes.stream().filter(e -> e.getOp() == Operation.TRUNCATE).toList();
        assertThat(truncates).extracting(ChangeEvent::getTable).containsExactly("trunc_a", "trunc_b", "trunc_b");
        assertThat(truncates.get(0).getTxId()).isEqualTo(truncates.get(1).getTxId());
        assertThat(truncates).allSatisfy(t -> {
            assertThat(t.getKey()).isNull();
            assertThat(t.getBefore()).isNull();
            assertThat(t.getAfter()).isNull();
        });
    }

    @Test
    void logicalMessagesTransactionalAndNot() {
        assertThat(stream.messages).hasSize(2);
        assertThat(stream.messages.get(0).isTransactional()).isTrue();
        assertThat(stream.messages.get(0).getPrefix()).isEqualTo("pgcdc.tx");
        assertThat(stream.messages.get(0).getContent()).isEqualTo("in a transaction"); // valid UTF-8: a String
        assertThat(stream.messages.get(1).isTransactional()).isFalse();
        assertThat((byte[]) stream.messages.get(1).getContent()).containsExactly(0x00, 0xff); // not UTF-8: bytes
        int nonTx = stream.calls.indexOf("message pgcdc.nontx");
        assertThat(stream.calls.get(nonTx - 1)).startsWith("commit ");
        assertThat(stream.calls.get(nonTx + 1)).startsWith("begin ");
        assertThat("in a transaction".getBytes(StandardCharsets.UTF_8)).isEqualTo(stream.messages.get(0).getContentBytes());
    }

    @Test
    void originOfAReplayedTransaction() {
        int origin = stream.calls.indexOf("origin upstream 0/ABCDEF");
        assertThat(origin).isPositive();
        assertThat(stream.calls.get(origin - 1)).startsWith("begin ");
        ChangeEvent replayed = stream.changesOf("compound").stream()
                .filter(e -> e.getOp() == Operation.INSERT && "from origin".equals(e.getAfter().get("val"))).findFirst().orElseThrow();
        assertThat(replayed.getCommitTimestamp()).hasToString("2026-01-01T00:00:00Z");
    }

    @Test
    void typeAndSchemaChangeMessages() {
        assertThat(stream.types).singleElement().satisfies(t -> {
            assertThat(t.getSchema()).isEqualTo("public");
            assertThat(t.getName()).isEqualTo("mood");
        });
        List<RelationInfo> compound = stream.relations.stream().filter(r -> r.getTable().equals("compound")).toList();
        assertThat(compound.get(compound.size() - 1).columnNames().asList()).containsExactly("tenant", "id", "val", "extra");
        ChangeEvent afterAlter = stream.changesOf("compound").get(stream.changesOf("compound").size() - 1);
        assertThat(afterAlter.getAfter()).containsEntry("extra", 5);
    }

    @Test
    void binaryModeDecodesTheSameRowsAsTextMode() {
        RecordingListener binary = CapturedStream.decode(CapturedStream.BINARY);
        for (String table : List.of("orders", "orders_full", "compound")) {
            assertThat(binary.changesOf(table)).isEqualTo(stream.changesOf(table));
        }
    }
}
