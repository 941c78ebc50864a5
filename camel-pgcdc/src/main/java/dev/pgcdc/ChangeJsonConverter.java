package dev.pgcdc;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgcdc.event.ChangeRecord;
import dev.pgcdc.event.DebeziumEnvelope;
import org.apache.camel.Converter;

/**
 * A change body to its JSON, byte for byte what {@code marshal: json} makes of it, for routes that send the body as is:
 * a producer that wants bytes or text (camel-kafka's serializers, a file, an HTTP request) converts it straight, with no
 * stream-cached intermediate for each change and no reading that stream back.
 */
@Converter(generateLoader = true)
public final class ChangeJsonConverter {

    /** What camel-jackson's data format uses when the registry holds no ObjectMapper of the application's. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeJsonConverter() {
    }

    /** A change or a logical decoding message (outputFormat native), as UTF-8 JSON. */
    @Converter
    public static byte[] toBytes(ChangeRecord record) throws JsonProcessingException {
        return JSON.writeValueAsBytes(record);
    }

    /**
     * The text of {@link #toBytes(ChangeRecord)}: Jackson's text writer would leave a character outside the BMP as it
     * is where its UTF-8 writer (and so {@code marshal: json}) escapes it as a surrogate pair.
     */
    @Converter
    public static String toString(ChangeRecord record) throws JsonProcessingException {
        return new String(toBytes(record), StandardCharsets.UTF_8);
    }

    /** A Debezium envelope (outputFormat debezium), as UTF-8 JSON. */
    @Converter
    public static byte[] toBytes(DebeziumEnvelope envelope) throws JsonProcessingException {
        return JSON.writeValueAsBytes(envelope);
    }

    /** The text of {@link #toBytes(DebeziumEnvelope)}, for the same reason. */
    @Converter
    public static String toString(DebeziumEnvelope envelope) throws JsonProcessingException {
        return new String(toBytes(envelope), StandardCharsets.UTF_8);
    }
}
