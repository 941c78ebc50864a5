package dev.pgcdc.decode;

/** One column of a {@link RelationInfo}, as the server's Relation message describes it. */
public final class ColumnInfo {

    private final String name;
    private final int typeOid;
    private final int typeModifier;
    private final boolean key;

    public ColumnInfo(String name, int typeOid, int typeModifier, boolean key) {
        this.name = name;
        this.typeOid = typeOid;
        this.typeModifier = typeModifier;
        this.key = key;
    }

    public String getName() {
        return name;
    }

    public int getTypeOid() {
        return typeOid;
    }

    /** The type modifier ({@code atttypmod}), e.g. a varchar's length + 4; -1 if none. */
    public int getTypeModifier() {
        return typeModifier;
    }

    /** True if the column is part of the replica identity (under REPLICA IDENTITY FULL: every column). */
    public boolean isKey() {
        return key;
    }

    @Override
    public String toString() {
        return name + ":" + PgType.name(typeOid) + (key ? "(key)" : "");
    }
}
