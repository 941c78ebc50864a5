package dev.pgcdc.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a column value as PostgreSQL's {@code to_jsonb(value)} prints it with {@code TimeZone=UTC}.
 *
 * <p>The Java representation of each PostgreSQL value is chosen by the decoder; this class knows how
 * PostgreSQL spells each of them in JSON, including the special values that have no Java equivalent:
 * <ul>
 * <li>{@code MAX}/{@code MIN} of {@link LocalDate}, {@link LocalDateTime}, {@link OffsetDateTime} stand for
 *     PostgreSQL's {@code infinity}/{@code -infinity} (pgjdbc's convention too) and print as those strings;</li>
 * <li>{@link LocalTime#MAX} stands for {@code 24:00:00} (a valid PostgreSQL time);</li>
 * <li>Float/Double NaN and infinities (float4, float8, and numeric's specials) print as
 *     {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, other floats as {@link FloatJson} says;</li>
 * <li>years before 1 CE print PostgreSQL-style as {@code 0044-03-15 BC}.</li>
 * </ul>
 */
public final class PgJsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Writes embedded JSON nested deeper than the caller's generator allows. */
    private static final JsonFactory UNLIMITED = JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build();

    /** Serialises what {@link #writeValue} has no rule for, when no caller's provider is at hand. */
    private static final ObjectMapper FALLBACK = new ObjectMapper();

    private PgJsonWriter() {
    }

    /**
     * A value, e.g. a change's key, as compact JSON text with column values as {@code to_jsonb} prints them; null for
     * null. For routes, e.g. a Kafka record key that is the same for every change of a row: the method language with
     * bean type {@code dev.pgcdc.event.PgJsonWriter} and method {@code json(${header.CamelPgCdcKey})}.
     */
    public static String json(Object value) {
        if (value == null) {
            return null;
        }
        StringWriter text = new StringWriter();
        try (JsonGenerator gen = UNLIMITED.createGenerator(text)) {
            writeValue(value, gen, FALLBACK.getSerializerProviderInstance());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    public static void writeValue(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else if (value instanceof String) {
            gen.writeString((String) value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            gen.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigDecimal) {
            // plain digits as numeric_out prints them, never BigDecimal.toString's exponent form
            gen.writeNumber(((BigDecimal) value).toPlainString());
        } else if (value instanceof Boolean) {
            gen.writeBoolean((Boolean) value);
        } else if (value instanceof Double) {
            writeDouble((Double) value, gen);
        } else if (value instanceof Float) {
            writeFloat((Float) value, gen);
        } else if (value instanceof OffsetDateTime) {
            gen.writeString(formatTimestampTz((OffsetDateTime) value));
        } else if (value instanceof LocalDateTime) {
            gen.writeString(formatTimestamp((LocalDateTime) value));
        } else if (value instanceof LocalDate) {
            gen.writeString(formatDate((LocalDate) value));
        } else if (value instanceof LocalTime) {
            gen.writeString(formatTime((LocalTime) value));
        } else if (value instanceof OffsetTime) {
            gen.writeString(formatTimeTz((OffsetTime) value));
        } else if (value instanceof byte[]) {
            gen.writeString(formatBytea((byte[]) value));
        } else if (value instanceof JsonNode) {
            writeJson((JsonNode) value, gen, provider);
        } else if (value instanceof Iterable) {
            gen.writeStartArray();
            for (Object element : (Iterable<?>) value) {
                writeValue(element, gen, provider);
            }
            gen.writeEndArray();
        } else if (value instanceof Map) {
            writeMap((Map<?, ?>) value, gen, provider);
        } else if (value instanceof BigInteger) {
            gen.writeNumber((BigInteger) value);
        } else if (value instanceof UUID) {
            gen.writeString(value.toString());
        } else {
            provider.defaultSerializeValue(value, gen);
        }
    }

    public static void writeMap(Map<?, ?> map, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (map == null) {
            gen.writeNull();
            return;
        }
        gen.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            gen.writeFieldName(String.valueOf(e.getKey()));
            writeValue(e.getValue(), gen, provider);
        }
        gen.writeEndObject();
    }

    private static void writeDouble(double d, JsonGenerator gen) throws IOException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            gen.writeString(Double.toString(d)); // "NaN", "Infinity", "-Infinity": PostgreSQL's spelling too
        } else {
            gen.writeNumber(FloatJson.toJsonb(d));
        }
    }

    private static void writeFloat(float f, JsonGenerator gen) throws IOException {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            gen.writeString(Float.toString(f));
        } else {
            gen.writeNumber(FloatJson.toJsonb(f));
        }
    }

    /**
     * Embedded json/jsonb: decimals keep their exact digits, never the exponent form. A value nested deeper than the
     * generator allows (camel-jackson's mapper: 1,000 levels, PostgreSQL: many thousands) goes in as raw JSON text
     * written by a generator without that limit.
     */
    private static void writeJson(JsonNode node, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (gen.getOutputContext().getNestingDepth() + depth(node) <= gen.streamWriteConstraints().getMaxNestingDepth()) {
            writeTree(node, gen, provider);
            return;
        }
        gen.writeRawValue(jsonText(node));
    }

    /**
     * The JSON text of an embedded json/jsonb value, however deep: Jackson's own {@code JsonNode.toString()} refuses
     * more than 1,000 levels.
     */
    public static String jsonText(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator raw = UNLIMITED.createGenerator(text)) {
            writeTree(node, raw, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    /** How many arrays and objects deep the value is; without recursion, as PostgreSQL nests far beyond the stack. */
    private static int depth(JsonNode root) {
        if (!root.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        while (!nodes.isEmpty()) {
            JsonNode node = nodes.pop();
            int depth = depths.pop();
            deepest = Math.max(deepest, depth);
            for (JsonNode child : node) {
                if (child.isContainerNode()) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
        return deepest;
    }

    /**
     * Writes the tree without recursion: one open container per level on an explicit stack. {@code provider} may be
     * null.
     */
    private static void writeTree(JsonNode root, JsonGenerator gen, SerializerProvider provider) throws IOException {
        Deque<Iterator<?>> open = new ArrayDeque<>();
        JsonNode next = root;
        while (true) {
            if (next != null) {
                if (next.isObject()) {
                    gen.writeStartObject();
                    open.push(next.fields());
                } else if (next.isArray()) {
                    gen.writeStartArray();
                    open.push(next.elements());
                } else if (next.isBigDecimal()) {
                    gen.writeNumber(next.decimalValue().toPlainString());
                } else {
                    // a parsed value is text, number, boolean or null, none of which needs the provider
                    ((JsonSerializable) next).serialize(gen, provider);
                }
                next = null;
            }
            Iterator<?> level = open.peek();
            if (level == null) {
                return;
            }
            if (!level.hasNext()) {
                open.pop();
                if (gen.getOutputContext().inObject()) {
                    gen.writeEndObject();
                } else {
                    gen.writeEndArray();
                }
            } else {
                Object item = level.next();
                if (item instanceof Map.Entry<?, ?> field) {
                    gen.writeFieldName((String) field.getKey());
                    next = (JsonNode) field.getValue();
                } else {
                    next = (JsonNode) item;
                }
            }
        }
    }

    public static String formatBytea(byte[] bytes) {
        char[] out = new char[2 + bytes.length * 2];
        out[0] = '\\';
        out[1] = 'x';
        for (int i = 0; i < bytes.length; i++) {
            out[2 + 2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[3 + 2 * i] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    public static String formatDate(LocalDate date) {
        if (date.equals(LocalDate.MAX)) {
            return "infinity";
        }
        if (date.equals(LocalDate.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(16);
        appendDate(sb, date);
        return appendEra(sb, date).toString();
    }

    public static String formatTime(LocalTime time) {
        StringBuilder sb = new StringBuilder(15);
        appendTime(sb, time);
        return sb.toString();
    }

    public static String formatTimeTz(OffsetTime time) {
        StringBuilder sb = new StringBuilder(24);
        appendTime(sb, time.toLocalTime());
        appendOffset(sb, time.getOffset(), false);
        return sb.toString();
    }

    public static String formatTimestamp(LocalDateTime timestamp) {
        if (timestamp.equals(LocalDateTime.MAX)) {
            return "infinity";
        }
        if (timestamp.equals(LocalDateTime.MIN)) {
            return "-infinity";
        }
        StringBuilder sb = new StringBuilder(32);
        appendDate(sb, timestamp.toLocalDate());
        appendTime(sb.append('T'), timestamp.toLocalTime());
        return appendEra(sb, timestamp.toLocalDate()).toString();
    }

    /** ISO form in UTC, e.g. {@code 2026-11-22T10:00:00.123456+00:00}, as to_jsonb with TimeZone=UTC. */
    public static String formatTimestampTz(OffsetDateTime timestamp) {
        if (timestamp.equals(OffsetDateTime.MAX)) {
            return "infinity";
        }
        if (timestamp.equals(OffsetDateTime.MIN)) {
            return "-infinity";
        }
        LocalDateTime utc = timestamp.atZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
        StringBuilder sb = new StringBuilder(40);
        appendDate(sb, utc.toLocalDate());
        appendTime(sb.append('T'), utc.toLocalTime());
        appendOffset(sb, ZoneOffset.UTC, true);
        return appendEra(sb, utc.toLocalDate()).toString();
    }

    private static void appendDate(StringBuilder sb, LocalDate date) {
        int year = date.getYear();
        appendPadded(sb, year > 0 ? year : 1 - year, 4); // ISO year 0 is 1 BC
        sb.append('-');
        appendPadded(sb, date.getMonthValue(), 2);
        sb.append('-');
        appendPadded(sb, date.getDayOfMonth(), 2);
    }

    private static StringBuilder appendEra(StringBuilder sb, LocalDate date) {
        return date.getYear() > 0 ? sb : sb.append(" BC");
    }

    /** HH:MM:SS plus the fraction without trailing zeros, as PostgreSQL prints it. */
    private static void appendTime(StringBuilder sb, LocalTime time) {
        if (time.equals(LocalTime.MAX)) {
            sb.append("24:00:00");
            return;
        }
        appendPadded(sb, time.getHour(), 2);
        sb.append(':');
        appendPadded(sb, time.getMinute(), 2);
        sb.append(':');
        appendPadded(sb, time.getSecond(), 2);
        int nanos = time.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            sb.append('.');
            appendPadded(sb, nanos, digits);
        }
    }

    /** {@code +HH}, {@code +HH:MM} or {@code +HH:MM:SS}; JSON timestamps always carry minutes. */
    private static void appendOffset(StringBuilder sb, ZoneOffset offset, boolean alwaysMinutes) {
        int total = offset.getTotalSeconds();
        sb.append(total < 0 ? '-' : '+');
        total = Math.abs(total);
        appendPadded(sb, total / 3600, 2);
        int minutes = total / 60 % 60;
        int seconds = total % 60;
        if (alwaysMinutes || minutes != 0 || seconds != 0) {
            appendPadded(sb.append(':'), minutes, 2);
        }
        if (seconds != 0) {
            appendPadded(sb.append(':'), seconds, 2);
        }
    }

    private static void appendPadded(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(digits);
    }
}
