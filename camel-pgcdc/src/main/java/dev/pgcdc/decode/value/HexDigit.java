package dev.pgcdc.decode.value;

/** One hexadecimal digit's value, for the byte-level parsers (bytea, uuid). */
final class HexDigit {

    private HexDigit() {
    }

    /** The digit's value, or -1 if {@code c} is not a hex digit (the caller says what was wrong). */
    static int value(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
