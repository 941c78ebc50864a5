package dev.pgcdc.snapshot;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Primary key values as a hash key, so that a row read by the snapshot and the same row seen in the stream match:
 * both are decoded by the same value decoders, so equal keys are equal Java values; only byte arrays (bytea keys)
 * need wrapping to compare by content.
 */
final class RowKey {

    private RowKey() {
    }

    static Object of(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof byte[]) {
                values[i] = ByteBuffer.wrap((byte[]) values[i]);
            }
        }
        return values.length == 1 ? values[0] : Arrays.asList(values);
    }
}
