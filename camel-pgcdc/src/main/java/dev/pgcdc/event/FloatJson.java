package dev.pgcdc.event;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Supplier;

/**
 * float4 and float8 as {@code to_jsonb} prints them: the digits of {@code float4out}/{@code float8out} (PostgreSQL
 * 12+: the shortest decimal that reads back as the same value, the nearest such one, never one that lies exactly
 * half-way to a neighbouring value) converted to {@code numeric}, so plain digits without exponent, no trailing
 * {@code .0}, and {@code 0} for negative zero ({@code -0}, {@code 1e23} give {@code 0},
 * {@code 99999999999999990000000}). NaN and infinities have no JSON number; the caller spells them.
 */
final class FloatJson {

    /** Decimals of up to this many significant digits read back as distinct doubles (DBL_DIG), floats (FLT_DIG). */
    private static final int DOUBLE_UNIQUE_DIGITS = 15;
    private static final int FLOAT_UNIQUE_DIGITS = 6;

    private FloatJson() {
    }

    static String toJsonb(double d) {
        double magnitude = Math.abs(d);
        return d == 0 ? "0" : toJsonb(d < 0, Double.toString(magnitude), DOUBLE_UNIQUE_DIGITS,
                magnitude < Double.MIN_NORMAL, Math.getExponent(magnitude) - 52,
                () -> shortest(magnitude, Math.nextDown(magnitude), Math.nextUp(magnitude), Math.ulp(magnitude)));
    }

    static String toJsonb(float f) {
        float magnitude = Math.abs(f);
        return f == 0 ? "0" : toJsonb(f < 0, Float.toString(magnitude), FLOAT_UNIQUE_DIGITS,
                magnitude < Float.MIN_NORMAL, Math.getExponent(magnitude) - 23,
                () -> shortest(magnitude, Math.nextDown(magnitude), Math.nextUp(magnitude), Math.ulp(magnitude)));
    }

    /**
     * @param javaDigits  Java's digits for the magnitude: they read back as it, and with at most {@code uniqueDigits}
     *                    of them no shorter decimal does too, so they are PostgreSQL's, unless they lie exactly on the
     *                    half-way point to a neighbour (1e23), which PostgreSQL avoids
     * @param ulpExponent the exponent of the magnitude's unit in the last place (if it is normal)
     */
    private static String toJsonb(boolean negative, String javaDigits, int uniqueDigits, boolean subnormal,
                                  int ulpExponent, Supplier<BigDecimal> exactSearch) {
        BigDecimal digits = new BigDecimal(javaDigits).stripTrailingZeros();
        if (digits.precision() > uniqueDigits || subnormal || mayBeHalfWay(digits, ulpExponent)) {
            digits = exactSearch.get();
        }
        return plain(negative ? digits.negate() : digits);
    }

    /**
     * Whether a decimal can equal a half-way point between a normal value with unit in the last place 2^ulpExponent
     * and a neighbour: such a point is an odd multiple of 2^(ulpExponent-1), or of 2^(ulpExponent-2) below a power of
     * two, so an integer, or a decimal with exactly as many fraction digits as that power's negated exponent.
     */
    private static boolean mayBeHalfWay(BigDecimal digits, int ulpExponent) {
        for (int exponent = ulpExponent - 2; exponent < ulpExponent; exponent++) {
            if (exponent >= 0 ? digits.scale() <= 0 : digits.scale() == -exponent) {
                return true;
            }
        }
        return false;
    }

    /**
     * The shortest decimal strictly between the half-way points to the neighbours {@code below} and {@code above}
     * (or {@code ulp} above the largest value), the nearest to {@code value} among those of its length (Ryu, as
     * PostgreSQL runs it: bounds excluded). Float arguments widen to double exactly.
     */
    private static BigDecimal shortest(double value, double below, double above, double ulp) {
        BigDecimal exact = new BigDecimal(value);
        BigDecimal half = BigDecimal.valueOf(5, 1);
        BigDecimal low = exact.add(new BigDecimal(below)).multiply(half);
        BigDecimal high = Double.isInfinite(above) ? exact.add(new BigDecimal(ulp).multiply(half))
                : exact.add(new BigDecimal(above)).multiply(half);
        for (int length = 1; ; length++) {
            BigDecimal nearest = exact.round(new MathContext(length, RoundingMode.HALF_EVEN));
            BigDecimal unit = BigDecimal.valueOf(1, nearest.scale());
            BigDecimal candidate = nearest.compareTo(low) <= 0 ? nearest.add(unit)
                    : nearest.compareTo(high) >= 0 ? nearest.subtract(unit) : nearest;
            if (candidate.compareTo(low) > 0 && candidate.compareTo(high) < 0) {
                return candidate.stripTrailingZeros();
            }
        }
    }

    /** numeric's text for a decimal: plain digits, no trailing fraction zeros. */
    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
