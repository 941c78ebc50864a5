package dev.pgcdc.snapshot;

import dev.pgcdc.setup.TableName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.spi.StateRepository;

/**
 * Keeps snapshot progress in a Camel {@link StateRepository} the user configures (option
 * {@code snapshotStateRepository}), under the key {@code slot/schema.table}, as JSON.
 */
public final class RepositoryStateStore implements SnapshotStateStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateRepository<String, String> repository;
    private final String slotName;

    public RepositoryStateStore(StateRepository<String, String> repository, String slotName) {
        this.repository = repository;
        this.slotName = slotName;
    }

    @Override
    public TableProgress load(TableName table) {
        String value = repository.getState(key(table));
        if (value == null) {
            return null;
        }
        try {
            return JSON.readValue(value, TableProgress.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable snapshot state for " + key(table) + ": " + value, e);
        }
    }

    @Override
    public void save(TableName table, TableProgress progress) {
        try {
            repository.setState(key(table), JSON.writeValueAsString(progress));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String key(TableName table) {
        return slotName + '/' + table;
    }
}
