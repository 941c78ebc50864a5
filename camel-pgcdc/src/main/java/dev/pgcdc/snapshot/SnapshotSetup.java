package dev.pgcdc.snapshot;

import java.util.ArrayList;
import java.util.List;

import dev.pgcdc.setup.ConnectorTable;

/**
 * The snapshot's tables as the setup plan creates, publishes and grants them: the signal table, which must be in
 * the publication (the watermarks and snapshot requests travel through the stream), and the state table when
 * progress is kept in the database rather than in a StateRepository.
 */
public final class SnapshotSetup {

    private SnapshotSetup() {
    }

    /** @param stateTable whether progress is kept in the state table (not in a StateRepository) */
    public static List<ConnectorTable> tables(SnapshotOptions options, boolean stateTable) {
        List<ConnectorTable> tables = new ArrayList<>();
        // DELETE ... WHERE reads the rows it deletes, hence SELECT
        tables.add(new ConnectorTable(options.signalTable(), "signal table", SignalTable.ddl(options.signalTable()),
                true, "SELECT, INSERT, DELETE", "pgcdc writes the snapshot's chunk watermarks here and reads"
                        + " requests to snapshot a table again; they reach it through the stream, in commit order."));
        if (stateTable) {
            tables.add(new ConnectorTable(options.stateTable(), "snapshot state table",
                    TableStateStore.ddl(options.stateTable()), false, "SELECT, INSERT, UPDATE, DELETE",
                    "pgcdc keeps the snapshot's progress here, so that a restarted snapshot resumes where it"
                            + " stopped, and deletes it when the slot is created anew."));
        }
        return List.copyOf(tables);
    }
}
