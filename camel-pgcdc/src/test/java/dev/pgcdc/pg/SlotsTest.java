package dev.pgcdc.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.pgcdc.it.DefaultClusterTest;
import org.junit.jupiter.api.Test;

class SlotsTest extends DefaultClusterTest {

    @Test
    void creatingASlotAnotherInstanceHasJustCreatedIsNotAnError() throws Exception {
        String slot = uniqueSlot("twice");
        try (Connection first = pg().connect(); Connection second = pg().connect()) {
            assertThat(new ReplicationSlot(slot).createLogical(first, "pgoutput", false)).isTrue();
            assertThat(new ReplicationSlot(slot).createLogical(second, "pgoutput", false)).isFalse();
            assertThat(pg().replicationSlots()).extracting(s -> s.slotName()).contains(slot);
            new ReplicationSlot(slot).drop(first);
        }
    }

    @Test
    void aSameNamedSlotOfAnotherKindIsAClearError() throws Exception {
        String slot = uniqueSlot("physical");
        pg().execute("SELECT pg_create_physical_replication_slot('" + slot + "')");
        try (Connection connection = pg().connect()) {
            assertThatThrownBy(() -> new ReplicationSlot(slot).createLogical(connection, "pgoutput", false))
                    .hasMessageContaining("Replication slot " + slot + " was just created by another session as a"
                            + " physical slot")
                    .hasMessageContaining("SELECT pg_drop_replication_slot('" + slot + "');");
            new ReplicationSlot(slot).drop(connection);
        }
    }

    @Test
    void advancingMovesTheConfirmedPositionTheStateReports() throws Exception {
        String name = uniqueSlot("advance");
        ReplicationSlot slot = new ReplicationSlot(name);
        try (Connection connection = pg().connect()) {
            assertThat(slot.read(connection)).isNull();
            slot.createLogical(connection, "pgoutput", false);
            SlotState created = slot.read(connection);
            assertThat(created.isLogical()).isTrue();
            assertThat(created.plugin()).isEqualTo("pgoutput");
            assertThat(created.lost()).isFalse();
            long current;
            try (Statement statement = connection.createStatement()) {
                // a slot advances at most to WAL flushed to disk
                statement.execute("SET synchronous_commit = on");
                statement.execute("CREATE TABLE " + name + " (id int)");
                statement.execute("INSERT INTO " + name + " VALUES (1)");
                ResultSet row = statement.executeQuery("SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint");
                row.next();
                current = row.getLong(1);
            }

            long advanced = slot.advance(connection, current);

            assertThat(advanced).isEqualTo(current).isGreaterThan(created.confirmedFlushLsn());
            assertThat(slot.read(connection).confirmedFlushLsn()).isEqualTo(advanced);
            slot.drop(connection);
            assertThat(slot.read(connection)).isNull();
        }
    }
}
