package dev.pgcdc.decode;

import java.util.HashMap;
import java.util.Map;

/** OIDs of the built-in types the decoder converts (fixed across PostgreSQL versions, see pg_type.dat). */
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
        // no Java conversion, but their arrays still become lists (of the elements' text)
        type(1186, "interval", 1187);
        type(869, "inet", 1041);
        type(650, "cidr", 651);
        type(829, "macaddr", 1040);
        type(790, "money", 791);
        type(142, "xml", 143);
        type(1560, "bit", 1561);
        type(1562, "varbit", 1563);
    }

    private PgType() {
    }

    private static void type(int oid, String name, int arrayOid) {
        NAMES.put(oid, name);
        NAMES.put(arrayOid, '_' + name);
        ELEMENTS.put(arrayOid, oid);
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
