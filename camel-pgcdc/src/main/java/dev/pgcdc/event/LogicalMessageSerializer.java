package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * The JSON form of a {@link LogicalMessage}, beside the change form:
 * {@code {"op":"m","prefix":..,"content":..,"transactional":..,"lsn":..,"commitLsn":..,"txId":..,"commitTimestamp":..}}.
 */
public final class LogicalMessageSerializer extends StdSerializer<LogicalMessage> {

    public LogicalMessageSerializer() {
        super(LogicalMessage.class);
    }

    @Override
    public void serialize(LogicalMessage message, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeStartObject();
        gen.writeStringField("op", message.getOp().code());
        gen.writeStringField("prefix", message.getPrefix());
        gen.writeFieldName("content");
        PgJsonWriter.writeValue(message.getContent(), gen, provider);
        gen.writeBooleanField("transactional", message.isTransactional());
        ChangeEventSerializer.writeTransactionFields(message, gen);
        gen.writeEndObject();
    }
}
