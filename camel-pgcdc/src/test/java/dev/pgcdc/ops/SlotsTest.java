package dev.pgcdc.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;

import dev.pgcdc.it.DefaultClusterTest;
import org.junit.jupiter.api.Test;

class SlotsTest extends DefaultClusterTest {

    @Test
    void creatingASlotAnotherInstanceHasJustCreatedIsNotAnError() throws Exception {
        String slot = uniqueSlot("twice");
        try (Connection first = pg().connect(); Connection second = pg().connect()) {
            assertThat(Slots.createLogical(first, slot, "pgoutput")).isTrue();
            assertThat(Slots.createLogical(second, slot, "pgoutput")).isFalse();
            assertThat(pg().replicationSlots()).extracting(s -> s.slotName()).contains(slot);
            Slots.drop(first, slot);
        }
    }
}
