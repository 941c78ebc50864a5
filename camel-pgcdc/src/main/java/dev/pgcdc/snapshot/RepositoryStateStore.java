package dev.pgcdc.snapshot;

import dev.pgcdc.pg.TableName;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.spi.StateRepository;

/**
 * Keeps snapshot progress in a Camel {@link StateRepository} the user configures (option
 * {@code snapshotStateRepository}), under the key {@code slot/schema.table}, as JSON. A StateRepository cannot remove
 * keys, so {@link #forgetAll()} stores a new generation under the key {@code slot} and later progress goes under
 * {@code slot@generation/schema.table} (slot names cannot contain {@code @}): earlier keys are no longer read.
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

    @Override
    public void forgetAll() {
        repository.setState(slotName, UUID.randomUUID().toString());
    }

    private String key(TableName table) {
        String generation = repository.getState(slotName);
        return (generation == null ? slotName : slotName + '@' + generation) + '/' + table;
    }
}
