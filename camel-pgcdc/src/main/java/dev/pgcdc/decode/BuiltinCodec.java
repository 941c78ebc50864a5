package dev.pgcdc.decode;

import java.nio.ByteBuffer;

/** A built-in scalar type with its own Java conversion ({@link TextValueDecoder}, {@link BinaryValueDecoder}). */
final class BuiltinCodec implements ValueCodec {

    private final int oid;

    BuiltinCodec(int oid) {
        this.oid = oid;
    }

    @Override
    public String typeName() {
        return PgType.name(oid);
    }

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return TextValueDecoder.decode(oid, buf, off, len);
    }

    @Override
    public Object fromText(String text) {
        return TextValueDecoder.decode(oid, text);
    }

    @Override
    public boolean hasBinary() {
        return BinaryValueDecoder.supports(oid);
    }

    @Override
    public Object fromBinary(ByteBuffer value) {
        return BinaryValueDecoder.decode(oid, value);
    }
}
