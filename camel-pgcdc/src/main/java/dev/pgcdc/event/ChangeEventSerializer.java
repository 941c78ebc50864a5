package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * The JSON form of a {@link ChangeEvent} (src/ARCHITECTURE.md, exchange contract), fixed field order, column values as
 * PostgreSQL's {@code to_jsonb} prints them ({@link PgJsonWriter}). Registered on the class with
 * {@code @JsonSerialize}, so a plain ObjectMapper (camel-jackson's {@code marshal: json}) needs no module.
 */
public final class ChangeEventSerializer extends StdSerializer<ChangeEvent> {

    public ChangeEventSerializer() {
        super(ChangeEvent.class);
    }

    @Override
    public void serialize(ChangeEvent event, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("op", event.getOp().code());
        gen.writeStringField("schema", event.getSchema());
        gen.writeStringField("table", event.getTable());
        gen.writeFieldName("key");
        PgJsonWriter.writeMap(event.getKey(), gen, provider);
        gen.writeFieldName("before");
        PgJsonWriter.writeMap(event.getBefore(), gen, provider);
        gen.writeFieldName("after");
        PgJsonWriter.writeMap(event.getAfter(), gen, provider);
        gen.writeArrayFieldStart("unchanged");
        for (String column : event.getUnchanged()) {
            gen.writeString(column);
        }
        gen.writeEndArray();
        writeTransactionFields(event, gen);
        gen.writeBooleanField("snapshot", event.isSnapshot());
        gen.writeEndObject();
    }

    /**
     * {@code id}, {@code lsn}, {@code commitLsn}, {@code txId}, {@code commitTimestamp}: common to every delivered
     * record.
     */
    static void writeTransactionFields(ChangeRecord record, JsonGenerator gen) throws IOException {
        String id = record.getId();
        if (id == null) {
            gen.writeNullField("id");
        } else {
            gen.writeStringField("id", id);
        }
        writeLsn("lsn", record.getLsn(), gen);
        writeLsn("commitLsn", record.getCommitLsn(), gen);
        gen.writeNumberField("txId", record.getTxId());
        if (record.getCommitTimestamp() == null) {
            gen.writeNullField("commitTimestamp");
        } else {
            gen.writeStringField("commitTimestamp", record.getCommitTimestamp().toString());
        }
    }

    private static void writeLsn(String field, Lsn lsn, JsonGenerator gen) throws IOException {
        if (lsn == null) {
            gen.writeNullField(field);
        } else {
            gen.writeStringField(field, lsn.toString());
        }
    }
}
