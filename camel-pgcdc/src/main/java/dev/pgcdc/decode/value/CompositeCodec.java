package dev.pgcdc.decode.value;

import dev.pgcdc.event.ColumnNames;
import dev.pgcdc.event.RowMap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A composite (row) type: a {@link RowMap} of its attributes in order, each converted by its own type, which is
 * what to_jsonb makes of it (a JSON object).
 */
final class CompositeCodec implements ValueCodec {

    private final String typeName;
    private final ColumnNames names;
    private final ValueCodec[] fields;

    CompositeCodec(String typeName, List<String> names, List<ValueCodec> fields) {
        this.typeName = typeName;
        this.names = ColumnNames.of(names);
        this.fields = fields.toArray(new ValueCodec[0]);
    }

    @Override
    public String typeName() {
        return typeName;
    }

    @Override
    public Object fromText(byte[] buf, int off, int len) {
        return fromText(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    @Override
    public Object fromText(String text) {
        List<String> raw = RecordText.parse(text);
        if (raw.size() != fields.length) {
            throw new IllegalArgumentException(typeName + " has " + fields.length + " attributes but the value has "
                    + raw.size());
        }
        Object[] values = new Object[fields.length];
        for (int i = 0; i < values.length; i++) {
            String field = raw.get(i);
            values[i] = field == null ? null : fields[i].fromText(field);
        }
        return new RowMap(names, values);
    }

    @Override
    public boolean hasBinary() {
        for (ValueCodec field : fields) {
            if (!field.hasBinary()) {
                return false;
            }
        }
        return true;
    }

    /** record_send: attribute count, then per attribute its type OID and a length-prefixed value. */
    @Override
    public Object fromBinary(ByteBuffer b) {
        int count = b.getInt();
        if (count != fields.length) {
            throw new IllegalArgumentException(typeName + " has " + fields.length + " attributes but the value has "
                    + count);
        }
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            b.getInt(); // attribute type OID: the catalog already told
            values[i] = BinaryValueDecoder.lengthPrefixed(b, fields[i]);
        }
        return new RowMap(names, values);
    }

    /** The same type name, attribute names and attribute codecs: a relation described again can keep this one. */
    @Override
    public boolean equals(Object other) {
        return other instanceof CompositeCodec composite && composite.typeName.equals(typeName)
                && composite.names.asList().equals(names.asList()) && Arrays.equals(composite.fields, fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeName, names.asList(), Arrays.hashCode(fields));
    }
}
