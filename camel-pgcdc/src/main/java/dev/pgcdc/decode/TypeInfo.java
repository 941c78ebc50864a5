package dev.pgcdc.decode;

/** A non-built-in type (enum, domain, composite, ...) described by a Type ('Y') message. */
public final class TypeInfo {

    private final int oid;
    private final String schema;
    private final String name;

    public TypeInfo(int oid, String schema, String name) {
        this.oid = oid;
        this.schema = schema;
        this.name = name;
    }

    public int getOid() {
        return oid;
    }

    public String getSchema() {
        return schema;
    }

    public String getName() {
        return name;
    }

    @Override
    public String toString() {
        return schema + '.' + name + "(oid " + Integer.toUnsignedLong(oid) + ')';
    }
}
