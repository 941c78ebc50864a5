package dev.pgcdc.decode;

import dev.pgcdc.decode.value.ValueCodec;

/** One column of a {@link RelationInfo}, as the server's Relation message describes it. */
public final class ColumnInfo {

    private final String name;
    private final int typeOid;
    private final int typeModifier;
    private final boolean key;
    private final ValueCodec codec;

    public ColumnInfo(String name, int typeOid, int typeModifier, boolean key, ValueCodec codec) {
        this.name = name;
        this.typeOid = typeOid;
        this.typeModifier = typeModifier;
        this.key = key;
        this.codec = codec;
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

    /**
     * True if the server flags the column as part of the replica identity (under REPLICA IDENTITY FULL: every
     * column). The event's key is {@link RelationInfo#keyNames()}, which may differ.
     */
    public boolean isKey() {
        return key;
    }

    /** The type's name as the decoder knows it, e.g. {@code int4}, {@code mood}, {@code point[]}. */
    public String getTypeName() {
        return codec.typeName();
    }

    public ValueCodec codec() {
        return codec;
    }

    @Override
    public String toString() {
        return name + ":" + codec.typeName() + (key ? "(key)" : "");
    }
}
