package dev.pgcdc.event;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

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
        if (d == 0) {
            return "0";
        }
        double magnitude = Math.abs(d);
        BigDecimal digits = new BigDecimal(Double.toString(magnitude)).stripTrailingZeros();
        // Java's own digits read back as d; with at most DBL_DIG of them no shorter decimal does too, so they are
        // PostgreSQL's, unless they lie exactly on the half-way point to a neighbour (1e23), which PostgreSQL avoids
        if (digits.precision() > DOUBLE_UNIQUE_DIGITS || magnitude < Double.MIN_NORMAL
                || mayBeHalfWay(digits, Math.getExponent(magnitude) - 52)) {
            BigDecimal exact = new BigDecimal(magnitude);
            BigDecimal above = Double.isInfinite(Math.nextUp(magnitude))
                    ? exact.add(new BigDecimal(Math.ulp(magnitude))) : new BigDecimal(Math.nextUp(magnitude));
            digits = shortest(exact, new BigDecimal(Math.nextDown(magnitude)), above);
        }
        return plain(d < 0 ? digits.negate() : digits);
    }

    static String toJsonb(float f) {
        if (f == 0) {
            return "0";
        }
        float magnitude = Math.abs(f);
        BigDecimal digits = new BigDecimal(Float.toString(magnitude)).stripTrailingZeros();
        if (digits.precision() > FLOAT_UNIQUE_DIGITS || magnitude < Float.MIN_NORMAL
                || mayBeHalfWay(digits, Math.getExponent(magnitude) - 23)) {
            BigDecimal exact = new BigDecimal(magnitude);
            BigDecimal above = Float.isInfinite(Math.nextUp(magnitude))
                    ? exact.add(new BigDecimal(Math.ulp(magnitude))) : new BigDecimal(Math.nextUp(magnitude));
            digits = shortest(exact, new BigDecimal(Math.nextDown(magnitude)), above);
        }
        return plain(f < 0 ? digits.negate() : digits);
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
     * The shortest decimal strictly between the half-way points to the neighbours {@code below} and {@code above},
     * the nearest to {@code exact} among those of its length (Ryu, as PostgreSQL runs it: bounds excluded).
     */
    private static BigDecimal shortest(BigDecimal exact, BigDecimal below, BigDecimal above) {
        BigDecimal low = exact.add(below).multiply(BigDecimal.valueOf(5, 1));
        BigDecimal high = exact.add(above).multiply(BigDecimal.valueOf(5, 1));
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
