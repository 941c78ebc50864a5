package dev.pgcdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.pgcdc.pg.TableName;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;

/** Progress in a StateRepository, which cannot remove keys: forgetting it must still hide what was saved before. */
class RepositoryStateStoreTest {

    private static final TableName ORDERS = TableName.of("public", "orders");

    @Test
    void forgottenProgressIsGoneAndLaterProgressIsKept() {
        MemoryStateRepository repository = new MemoryStateRepository();
        RepositoryStateStore store = new RepositoryStateStore(repository, "slot");
        RepositoryStateStore other = new RepositoryStateStore(repository, "other_slot");
        TableProgress done = new TableProgress(true, List.of("7"), 7);
        store.save(ORDERS, done);
        other.save(ORDERS, done);

        store.forgetAll();

        assertThat(store.load(ORDERS)).isNull();
        assertThat(other.load(ORDERS)).isEqualTo(done);
        TableProgress halfway = new TableProgress(false, List.of("3"), 3);
        store.save(ORDERS, halfway);
        assertThat(new RepositoryStateStore(repository, "slot").load(ORDERS)).isEqualTo(halfway);
    }

    @Test
    void progressOfRangesIsKeptAndProgressSavedAsOneKeyStillLoads() {
        MemoryStateRepository repository = new MemoryStateRepository();
        RepositoryStateStore store = new RepositoryStateStore(repository, "slot");
        TableProgress split = TableProgress.of(List.of(new RangeProgress(null, List.of("a", "1"), true, 10),
                new RangeProgress(List.of("b", "7"), null, false, 4)));
        store.save(ORDERS, split);
        assertThat(store.load(ORDERS)).isEqualTo(split);
        assertThat(split.done()).isFalse();
        assertThat(split.rowsDone()).isEqualTo(14);

        repository.setState("slot/" + ORDERS, "{\"done\":false,\"lastKey\":[\"3\"],\"rowsDone\":3}");
        assertThat(store.load(ORDERS)).isEqualTo(new TableProgress(false, List.of("3"), 3));
    }
}
