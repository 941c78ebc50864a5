package dev.pgcdc.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;

import dev.pgcdc.it.DefaultClusterTest;
import org.junit.jupiter.api.Test;

class SlotsTest extends DefaultClusterTest {

    @Test
    void creatingASlotAnotherInstanceHasJustCreatedIsNotAnError() throws Exception {
        String slot = uniqueSlot("twice");
        try (Connection first = pg().connect(); Connection second = pg().connect()) {
            assertThat(Slots.createLogical(first, slot, "pgoutput", false)).isTrue();
            assertThat(Slots.createLogical(second, slot, "pgoutput", false)).isFalse();
            assertThat(pg().replicationSlots()).extracting(s -> s.slotName()).contains(slot);
            Slots.drop(first, slot);
        }
    }

    @Test
    void aSameNamedSlotOfAnotherKindIsAClearError() throws Exception {
        String slot = uniqueSlot("physical");
        pg().execute("SELECT pg_create_physical_replication_slot('" + slot + "')");
        try (Connection connection = pg().connect()) {
            assertThatThrownBy(() -> Slots.createLogical(connection, slot, "pgoutput", false))
                    .hasMessageContaining("Replication slot " + slot + " was just created by another session as a"
                            + " physical slot")
                    .hasMessageContaining("SELECT pg_drop_replication_slot('" + slot + "');");
            Slots.drop(connection, slot);
        }
    }
}
