package dev.pgcdc.setup;

import dev.pgcdc.pg.TableName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SetupRequestTest {

    @Test
    void slotNameMustBeOnePostgresqlAccepts() {
        assertThatThrownBy(() -> SetupRequest.builder().slotName("My-Slot").publicationName("pub").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slotName 'My-Slot' is not a valid replication slot name: use 1 to 63 lower case letters,"
                        + " digits and underscores");
    }

    @Test
    void pgoutputNeedsAPublicationAndWal2jsonIgnoresIt() {
        assertThatThrownBy(() -> SetupRequest.builder().slotName("s").build())
                .hasMessageContaining("publicationName");
        SetupRequest wal2json = SetupRequest.builder().slotName("s").plugin("wal2json").publicationName("pub").build();
        assertThat(wal2json.usesPublication()).isFalse();
        assertThat(wal2json.publicationName()).isNull();
    }

    @Test
    void connectorTablesNeedDistinctNames() {
        ConnectorTable heartbeat = ConnectorTable.heartbeat(TableName.of("public", "pgcdc"));
        assertThatThrownBy(() -> SetupRequest.builder().slotName("s").publicationName("pub")
                .connectorTables(List.of(heartbeat, heartbeat)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct names");
    }
}
