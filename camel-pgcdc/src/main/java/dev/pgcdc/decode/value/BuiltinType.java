package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The built-in types the decoder knows without asking the catalog, one line each: OID and array OID (fixed across
 * PostgreSQL versions, see pg_type.dat), name, and how the text and binary ({@code typsend}) forms become the Java
 * value. Each constant is the type's {@link ValueCodec}. Other types are resolved by {@link TypeRegistry}.
 *
 * <table>
 * <caption>Java representation by PostgreSQL type</caption>
 * <tr><td>int2, int4, int8</td><td>Short, Integer, Long</td></tr>
 * <tr><td>numeric</td><td>BigDecimal; NaN, Infinity, -Infinity as Double.NaN and Double's infinities</td></tr>
 * <tr><td>float4, float8</td><td>Float, Double (NaN, infinities, -0 included)</td></tr>
 * <tr><td>bool</td><td>Boolean</td></tr>
 * <tr><td>text, varchar, bpchar (padded), name, "char"</td><td>String</td></tr>
 * <tr><td>oid</td><td>String: to_jsonb prints an oid as a JSON string, and the JSON rule wins</td></tr>
 * <tr><td>date, timestamp</td><td>LocalDate, LocalDateTime; ±infinity as MAX/MIN; BC as year &lt;= 0</td></tr>
 * <tr><td>timestamptz</td><td>OffsetDateTime in UTC; ±infinity as OffsetDateTime.MAX/MIN</td></tr>
 * <tr><td>time, timetz</td><td>LocalTime, OffsetTime; 24:00:00 as LocalTime.MAX</td></tr>
 * <tr><td>uuid</td><td>UUID</td></tr>
 * <tr><td>json, jsonb</td><td>Jackson JsonNode with exact BigDecimal numbers</td></tr>
 * <tr><td>bytea (hex output)</td><td>byte[]</td></tr>
 * <tr><td>interval, inet, cidr, macaddr, macaddr8, money, xml, bit, varbit</td><td>the text form as String (to_jsonb
 *     prints them as strings too); binary forms are formatted exactly as the server's output function would</td></tr>
 * </table>
 *
 * <p>Expects the session settings the replication connection sets: {@code DateStyle=ISO},
 * {@code bytea_output=hex}, {@code TimeZone=UTC} (offsets are parsed anyway). A value that does not parse throws
 * IllegalArgumentException, which the decoder reports with column and LSN.
 */
public enum BuiltinType implements ValueCodec {

    BOOL(16, "bool", 1000, bytes(TextValueDecoder::bool), b -> b.get() != 0),
    BYTEA(17, "bytea", 1001, bytes(TextValueDecoder::byteaHex), BinaryValueDecoder::bytes),
    CHAR(18, "char", 1002, asText(), BinaryValueDecoder::utf8),
    NAME(19, "name", 1003, asText(), BinaryValueDecoder::utf8),
    INT8(20, "int8", 1016, bytes(TextValueDecoder::int8), ByteBuffer::getLong),
    INT2(21, "int2", 1005, bytes(TextValueDecoder::int2), ByteBuffer::getShort),
    INT4(23, "int4", 1007, bytes(TextValueDecoder::int4), ByteBuffer::getInt),
    TEXT(25, "text", 1009, asText(), BinaryValueDecoder::utf8),
    OID(26, "oid", 1028, asText(), b -> Long.toString(Integer.toUnsignedLong(b.getInt()))),
    JSON(114, "json", 199, string(JsonText::parse), b -> JsonText.parse(BinaryValueDecoder.utf8(b))),
    FLOAT4(700, "float4", 1021, bytes(NumberText::float4), ByteBuffer::getFloat),
    FLOAT8(701, "float8", 1022, bytes(NumberText::float8), ByteBuffer::getDouble),
    BPCHAR(1042, "bpchar", 1014, asText(), BinaryValueDecoder::utf8),
    VARCHAR(1043, "varchar", 1015, asText(), BinaryValueDecoder::utf8),
    DATE(1082, "date", 1182, bytes(DateTimeText::parseDate), BinaryValueDecoder::date),
    TIME(1083, "time", 1183, bytes(DateTimeText::parseTime), BinaryValueDecoder::time),
    TIMESTAMP(1114, "timestamp", 1115, bytes(DateTimeText::parseTimestamp), BinaryValueDecoder::timestamp),
    TIMESTAMPTZ(1184, "timestamptz", 1185, bytes(DateTimeText::parseTimestampTz), BinaryValueDecoder::timestampTz),
    TIMETZ(1266, "timetz", 1270, bytes(DateTimeText::parseTimeTz), BinaryValueDecoder::timeTz),
    NUMERIC(1700, "numeric", 1231, bytes(NumberText::numeric), BinaryValueDecoder::numeric),
    UUID(2950, "uuid", 2951, bytes(UuidText::parse), BinaryValueDecoder::uuid),
    JSONB(3802, "jsonb", 3807, string(JsonText::parse), BinaryValueDecoder::jsonb),
    INTERVAL(1186, "interval", 1187, asText(), BinaryValueDecoder::interval),
    INET(869, "inet", 1041, asText(), b -> InetFormat.format(b, false)),
    CIDR(650, "cidr", 651, asText(), b -> InetFormat.format(b, true)),
    MACADDR(829, "macaddr", 1040, asText(), BinaryValueDecoder::macaddr),
    MACADDR8(774, "macaddr8", 775, asText(), BinaryValueDecoder::macaddr),
    // money's output depends on lc_monetary, which its binary form (cents) does not carry
    MONEY(790, "money", 791, asText(), null),
    XML(142, "xml", 143, asText(), BinaryValueDecoder::utf8),
    BIT(1560, "bit", 1561, asText(), BinaryValueDecoder::bits),
    VARBIT(1562, "varbit", 1563, asText(), BinaryValueDecoder::bits);

    /** By OID and by array OID: built-in OIDs are small (below 10000), so plain arrays. */
    private static final BuiltinType[] BY_OID;
    private static final BuiltinType[] BY_ARRAY_OID;

    static {
        int max = 0;
        for (BuiltinType type : values()) {
            max = Math.max(max, Math.max(type.oid, type.arrayOid));
        }
        BY_OID = new BuiltinType[max + 1];
        BY_ARRAY_OID = new BuiltinType[max + 1];
        for (BuiltinType type : values()) {
            BY_OID[type.oid] = type;
            BY_ARRAY_OID[type.arrayOid] = type;
        }
    }

    private final int oid;
    private final String typeName;
    private final int arrayOid;
    private final TextParser text;
    /** Null if the binary form is not supported. */
    private final BinaryParser binary;

    BuiltinType(int oid, String typeName, int arrayOid, TextParser text, BinaryParser binary) {
        this.oid = oid;
        this.typeName = typeName;
        this.arrayOid = arrayOid;
        this.text = text;
        this.binary = binary;
    }

    /** The type with this OID, or null if it is not one of the table's. */
    static BuiltinType of(int oid) {
        return oid >= 0 && oid < BY_OID.length ? BY_OID[oid] : null;
    }

    /** The element type of a built-in array type, or null if {@code oid} is not one. */
    static BuiltinType elementOf(int arrayOid) {
        return arrayOid >= 0 && arrayOid < BY_ARRAY_OID.length ? BY_ARRAY_OID[arrayOid] : null;
    }

    /** A readable name for messages: the type name ({@code _name} for an array), or the OID for another type. */
    static String nameOf(int oid) {
        BuiltinType type = of(oid);
        if (type != null) {
            return type.typeName;
        }
        BuiltinType element = elementOf(oid);
        return element != null ? '_' + element.typeName : "type oid " + Integer.toUnsignedLong(oid);
    }

    public int oid() {
        return oid;
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return text.parse(buf, off, len);
    }

    @Override
    public Object fromText(String value) {
        return text.parse(value);
    }

    @Override
    public boolean hasBinary() {
        return binary != null;
    }

    @Override
    public Object fromBinary(ByteBuffer value) {
        if (binary == null) {
            throw new IllegalArgumentException("binary format of " + typeName + " is not supported; use binary=false");
        }
        return binary.parse(value);
    }

    /** How a type's text output becomes its Java value, from the bytes and from a String alike. */
    private interface TextParser {
        Object parse(byte[] buf, int off, int len);

        Object parse(String value);
    }

    /** Parses the bytes themselves (the snapshot decodes every column of every row): a String is encoded first. */
    @FunctionalInterface
    private interface BytesParser extends TextParser {
        @Override
        default Object parse(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            return parse(bytes, 0, bytes.length);
        }
    }

    /** Builds the value from the text as a String (the types whose value is a String or a JSON tree). */
    @FunctionalInterface
    private interface StringParser extends TextParser {
        @Override
        default Object parse(byte[] buf, int off, int len) {
            return parse(new String(buf, off, len, StandardCharsets.UTF_8));
        }
    }

    /** A value in binary form; consumes the whole buffer. */
    @FunctionalInterface
    private interface BinaryParser {
        Object parse(ByteBuffer value);
    }

    private static TextParser bytes(BytesParser parser) {
        return parser;
    }

    private static TextParser string(StringParser parser) {
        return parser;
    }

    /** The Java value is the text itself. */
    private static TextParser asText() {
        return string(value -> value);
    }
}
