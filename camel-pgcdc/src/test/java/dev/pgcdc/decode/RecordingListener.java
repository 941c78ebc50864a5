package dev.pgcdc.decode;

import dev.pgcdc.event.ChangeEvent;
import dev.pgcdc.event.LogicalMessage;
import dev.pgcdc.event.Lsn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Records every callback in order, as readable strings and as objects. */
public final class RecordingListener implements DecodeListener {

    public final List<String> calls = new ArrayList<>();
    public final List<ChangeEvent> changes = new ArrayList<>();
    public final List<RelationInfo> relations = new ArrayList<>();
    public final List<TypeInfo> types = new ArrayList<>();
    public final List<LogicalMessage> messages = new ArrayList<>();
    public final List<DecodeException> failures = new ArrayList<>();

    @Override
    public void begin(long xid, Lsn commitLsn, Instant commitTimestamp) {
        calls.add("begin " + xid + " " + commitLsn);
    }

    @Override
    public void change(ChangeEvent event) {
        calls.add("change " + event.getOp().code() + " " + event.getTable());
        changes.add(event);
    }

    @Override
    public void commit(Lsn commitLsn, Lsn endLsn, Instant commitTimestamp) {
        calls.add("commit " + commitLsn + " " + endLsn);
    }

    @Override
    public void relation(RelationInfo relation) {
        calls.add("relation " + relation.getTable());
        relations.add(relation);
    }

    @Override
    public void type(TypeInfo type) {
        calls.add("type " + type.getName());
        types.add(type);
    }

    @Override
    public void origin(String name, Lsn originCommitLsn) {
        calls.add("origin " + name + " " + originCommitLsn);
    }

    @Override
    public void message(LogicalMessage message) {
        calls.add("message " + message.getPrefix());
        messages.add(message);
    }

    @Override
    public void undecodable(DecodeException failure) {
        calls.add("undecodable " + failure.getMessageType() + " " + failure.getLsn());
        failures.add(failure);
    }

    public List<ChangeEvent> changesOf(String table) {
        return changes.stream().filter(e -> table.equals(e.getTable())).collect(Collectors.toList());
    }
}
