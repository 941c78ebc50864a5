package dev.pgcdc.decode;

import java.util.HashMap;
import java.util.Map;

/**
 * OIDs of the built-in types the decoder knows without asking the catalog (fixed across PostgreSQL versions, see
 * pg_type.dat), and of their arrays. Other types are described by {@link TypeRegistry}'s catalog.
 */
final class PgType {

    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int JSON = 114;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIME = 1083;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int TIMETZ = 1266;
    static final int NUMERIC = 1700;
    static final int UUID = 2950;
    static final int JSONB = 3802;
    static final int XML = 142;
    static final int MONEY = 790;
    static final int MACADDR8 = 774;
    static final int MACADDR = 829;
    static final int INET = 869;
    static final int CIDR = 650;
    static final int INTERVAL = 1186;
    static final int BIT = 1560;
    static final int VARBIT = 1562;

    private static final Map<Integer, String> NAMES = new HashMap<>();
    /** Array type OID -> element type OID. */
    private static final Map<Integer, Integer> ELEMENTS = new HashMap<>();

    static {
        type(BOOL, "bool", 1000);
        type(BYTEA, "bytea", 1001);
        type(CHAR, "char", 1002);
        type(NAME, "name", 1003);
        type(INT8, "int8", 1016);
        type(INT2, "int2", 1005);
        type(INT4, "int4", 1007);
        type(TEXT, "text", 1009);
        type(OID, "oid", 1028);
        type(JSON, "json", 199);
        type(FLOAT4, "float4", 1021);
        type(FLOAT8, "float8", 1022);
        type(BPCHAR, "bpchar", 1014);
        type(VARCHAR, "varchar", 1015);
        type(DATE, "date", 1182);
        type(TIME, "time", 1183);
        type(TIMESTAMP, "timestamp", 1115);
        type(TIMESTAMPTZ, "timestamptz", 1185);
        type(TIMETZ, "timetz", 1270);
        type(NUMERIC, "numeric", 1231);
        type(UUID, "uuid", 2951);
        type(JSONB, "jsonb", 3807);
        // Java value: the text form (to_jsonb prints them as strings); binary forms formatted by BinaryValueDecoder
        type(INTERVAL, "interval", 1187);
        type(INET, "inet", 1041);
        type(CIDR, "cidr", 651);
        type(MACADDR, "macaddr", 1040);
        type(MACADDR8, "macaddr8", 775);
        type(MONEY, "money", 791);
        type(XML, "xml", 143);
        type(BIT, "bit", 1561);
        type(VARBIT, "varbit", 1563);
    }

    private PgType() {
    }

    private static void type(int oid, String name, int arrayOid) {
        NAMES.put(oid, name);
        NAMES.put(arrayOid, '_' + name);
        ELEMENTS.put(arrayOid, oid);
    }

    /** Whether {@code oid} is one of the scalar types above (which need no catalog lookup). */
    static boolean isKnownScalar(int oid) {
        return NAMES.containsKey(oid) && !ELEMENTS.containsKey(oid);
    }

    /** The element type of a known array type, or 0 if {@code oid} is not one. */
    static int elementOf(int oid) {
        Integer element = ELEMENTS.get(oid);
        return element == null ? 0 : element;
    }

    /** A readable name for messages: the type name, or the OID for a type we do not know. */
    static String name(int oid) {
        String name = NAMES.get(oid);
        return name != null ? name : "type oid " + Integer.toUnsignedLong(oid);
    }
}
