package dev.pgcdc.decode.value;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * numeric, float4 and float8 from their text output without a String where the result is certain to be the same:
 * a plain decimal small enough for a long (numeric), or one that Clinger's fast path converts exactly (floats: a
 * significand and a power of ten both exact in the binary type, so one correctly rounded multiply or divide is the
 * correctly rounded value). Everything else (NaN, infinities, long significands, large exponents, malformed text)
 * goes to the JDK parser the decoder always used, so the results cannot differ.
 */
final class NumberText {

    /** Digits that always fit a long. */
    private static final int LONG_DIGITS = 18;
    /** Significant digits below 2^53 (double's exact integers), and the exact powers of ten 10^0..10^22. */
    private static final int DOUBLE_DIGITS = 15;
    private static final double[] DOUBLE_POWERS = new double[23];
    /** The same for float: below 2^24, and 10^0..10^10. */
    private static final int FLOAT_DIGITS = 7;
    private static final float[] FLOAT_POWERS = new float[11];

    static {
        DOUBLE_POWERS[0] = 1;
        for (int i = 1; i < DOUBLE_POWERS.length; i++) {
            DOUBLE_POWERS[i] = DOUBLE_POWERS[i - 1] * 10;
        }
        FLOAT_POWERS[0] = 1;
        for (int i = 1; i < FLOAT_POWERS.length; i++) {
            FLOAT_POWERS[i] = FLOAT_POWERS[i - 1] * 10;
        }
    }

    private NumberText() {
    }

    /** numeric: BigDecimal, or NaN, Infinity, -Infinity as the Double values (see {@link BuiltinType}). */
    static Object numeric(byte[] buf, int off, int len) {
        Decimal d = Decimal.scan(buf, off, len, false);
        if (d != null && d.digits <= LONG_DIGITS) {
            return BigDecimal.valueOf(d.negative ? -d.significand : d.significand, -d.exponent);
        }
        String text = ascii(buf, off, len);
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                return new BigDecimal(text);
        }
    }

    static double float8(byte[] buf, int off, int len) {
        Decimal d = Decimal.scan(buf, off, len, true);
        if (d != null && d.digits <= DOUBLE_DIGITS && Math.abs(d.exponent) < DOUBLE_POWERS.length) {
            double value = d.exponent >= 0 ? d.significand * DOUBLE_POWERS[d.exponent]
                    : d.significand / DOUBLE_POWERS[-d.exponent];
            return d.negative ? -value : value;
        }
        return Double.parseDouble(ascii(buf, off, len)); // NaN, Infinity, -Infinity as PostgreSQL prints them
    }

    static float float4(byte[] buf, int off, int len) {
        Decimal d = Decimal.scan(buf, off, len, true);
        if (d != null && d.digits <= FLOAT_DIGITS && Math.abs(d.exponent) < FLOAT_POWERS.length) {
            float value = d.exponent >= 0 ? d.significand * FLOAT_POWERS[d.exponent]
                    : d.significand / FLOAT_POWERS[-d.exponent];
            return d.negative ? -value : value;
        }
        return Float.parseFloat(ascii(buf, off, len));
    }

    /** Non-ASCII bytes become replacement characters, which every parser here rejects. */
    private static String ascii(byte[] buf, int off, int len) {
        return new String(buf, off, len, StandardCharsets.US_ASCII);
    }

    /**
     * {@code [-]digits[.digits][e[+|-]digits]} as significand × 10^exponent; {@code digits} counts the significand's
     * digits after its leading zeros.
     */
    private static final class Decimal {

        /** Exponents beyond this go to the JDK parser (and stop the scan before it overflows an int). */
        private static final int MAX_EXPONENT_DIGITS = 4;

        boolean negative;
        long significand;
        int digits;
        int exponent;

        /** null if the text is not that plain form or its significand has more than 18 digits. */
        static Decimal scan(byte[] buf, int off, int len, boolean exponentAllowed) {
            Decimal d = new Decimal();
            int end = off + len;
            int i = off;
            if (i < end && buf[i] == '-') {
                d.negative = true;
                i++;
            }
            int integerStart = i;
            i = d.digits(buf, i, end);
            int mantissaDigits = i - integerStart;
            if (i < end && buf[i] == '.') {
                int fractionStart = ++i;
                i = d.digits(buf, i, end);
                d.exponent = -(i - fractionStart);
                mantissaDigits += i - fractionStart;
            }
            if (mantissaDigits == 0 || d.digits > LONG_DIGITS) {
                return null;
            }
            if (exponentAllowed && i < end && (buf[i] == 'e' || buf[i] == 'E')) {
                i++;
                boolean negativeExponent = i < end && buf[i] == '-';
                if (i < end && (buf[i] == '-' || buf[i] == '+')) {
                    i++;
                }
                int exponentStart = i;
                int exponent = 0;
                for (; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
                    exponent = exponent * 10 + buf[i] - '0';
                    if (i - exponentStart >= MAX_EXPONENT_DIGITS) {
                        return null;
                    }
                }
                if (i == exponentStart) {
                    return null;
                }
                d.exponent += negativeExponent ? -exponent : exponent;
            }
            return i == end ? d : null;
        }

        /** Reads digits from {@code i} into the significand (until it has more than 18); returns where they end. */
        private int digits(byte[] buf, int i, int end) {
            for (; i < end; i++) {
                int digit = buf[i] - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                if (digits > 0 || digit != 0) {
                    digits++;
                    if (digits > LONG_DIGITS) {
                        return i;
                    }
                }
                significand = significand * 10 + digit;
            }
            return i;
        }
    }
}
