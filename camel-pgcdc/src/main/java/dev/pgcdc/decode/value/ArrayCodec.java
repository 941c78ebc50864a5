package dev.pgcdc.decode.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Arrays of any element type, as unmodifiable lists nested per dimension (what to_jsonb makes of them: lower
 * bounds dropped, NULL elements kept). The delimiter is {@code pg_type.typdelim}: ',' for every type but box, which
 * uses ';'.
 */
record ArrayCodec(ValueCodec element, char delimiter) implements ValueCodec {

    @Override
    public String typeName() {
        return element.typeName() + "[]";
    }

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return fromText(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public Object fromText(String text) {
        return ArrayText.parse(text, delimiter, element::fromText);
    }

    @Override
    public boolean hasBinary() {
        return element.hasBinary();
    }

    /** array_send: ndim, has-nulls flag, element OID, (size, lower bound) per dimension, then the elements. */
    @Override
    public Object fromBinary(ByteBuffer b) {
        int ndim = b.getInt();
        b.getInt(); // has-nulls flag: every element says so itself
        b.getInt(); // element OID: the column's type already tells
        if (ndim == 0) {
            return List.of();
        }
        int[] sizes = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            sizes[d] = b.getInt();
            b.getInt(); // lower bound: to_jsonb drops it
        }
        return dimension(b, sizes, 0);
    }

    private List<Object> dimension(ByteBuffer b, int[] sizes, int d) {
        Object[] items = new Object[sizes[d]];
        for (int i = 0; i < items.length; i++) {
            items[i] = d + 1 < sizes.length ? dimension(b, sizes, d + 1) : BinaryValueDecoder.lengthPrefixed(b, element);
        }
        return Collections.unmodifiableList(Arrays.asList(items));
    }
}
