package dev.pgcdc.decode.value;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * numeric, float4, float8 and uuid from bytes against the JDK parsers the decoder used before (BigDecimal(String),
 * Double/Float.parseDouble, UUID.fromString): the same values bit for bit and scale for scale, edge cases and many
 * generated values (fixed seed).
 */
class NumberTextTest {

    private static Object decode(BuiltinType type, String text) {
        byte[] padded = ("\t" + text + "\t").getBytes(StandardCharsets.US_ASCII);
        Object fromBytes = type.fromText(padded, 1, padded.length - 2);
        assertThat(type.fromText(text)).as("String path of %s", text).isEqualTo(fromBytes);
        return fromBytes;
    }

    private static void assertNumeric(String text) {
        Object value = decode(BuiltinType.NUMERIC, text);
        BigDecimal expected = new BigDecimal(text);
        assertThat(value).as(text).isEqualTo(expected); // BigDecimal.equals compares the scale too
        assertThat(((BigDecimal) value).toString()).as(text).isEqualTo(expected.toString());
    }

    private static void assertFloat8(String text) {
        double value = (Double) decode(BuiltinType.FLOAT8, text);
        assertThat(Double.doubleToRawLongBits(value)).as(text)
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    private static void assertFloat4(String text) {
        float value = (Float) decode(BuiltinType.FLOAT4, text);
        assertThat(Float.floatToRawIntBits(value)).as(text).isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
    }

    @Test
    void numericEdgeCases() {
        assertThat(decode(BuiltinType.NUMERIC, "NaN")).isEqualTo(Double.NaN);
        assertThat(decode(BuiltinType.NUMERIC, "Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(decode(BuiltinType.NUMERIC, "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        for (String text : new String[] {"0", "-0", "0.000", "-0.000", "1", "-1", "0.5", "-0.000001", "12345.678900",
                "999999999999999999", "-999999999999999999", "1000000000000000000", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "0.000000000000000000000000000001",
                "123456789012345678.123456789012345678", "1" + "0".repeat(1000), "0." + "0".repeat(999) + "1"}) {
            assertNumeric(text);
        }
        for (String text : new String[] {"", "-", ".", "1.2.3", "1e5x", "--1", "1-", "0x10", "١"}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> BuiltinType.NUMERIC.fromText(bytes, 0, bytes.length)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void floatEdgeCases() {
        for (String text : new String[] {"NaN", "Infinity", "-Infinity", "0", "-0", "0.0", "-0.0", "1", "0.1", "-0.1",
                "3.14159", "1e+100", "1e-100", "1.5e-07", "1e+22", "1e+23", "1e-22", "1e-23", "123456789012345",
                "1234567890123456", "12345678901234567", "9007199254740993", "1.7976931348623157e+308",
                "-1.7976931348623157e+308", "2.2250738585072014e-308", "5e-324", "4.9e-324", "1e+400", "1e-400",
                "3.4028235e+38", "1.4e-45", "1.17549435e-38", "16777217", "0.30000000000000004", "1e10000"}) {
            assertFloat8(text);
            assertFloat4(text);
        }
        for (String text : new String[] {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "nan", "inf"}) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> BuiltinType.FLOAT8.fromText(bytes, 0, bytes.length)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> BuiltinType.FLOAT4.fromText(bytes, 0, bytes.length)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void generatedNumericsEqualBigDecimalOfTheSameText() {
        Random random = new Random(17);
        for (int i = 0; i < 100_000; i++) {
            BigInteger unscaled = new BigInteger(1 + random.nextInt(random.nextBoolean() ? 60 : 130), random);
            BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled.negate() : unscaled, random.nextInt(25));
            assertNumeric(value.toPlainString());
        }
    }

    @Test
    void generatedFloatsEqualTheJdkParseOfTheSameText() {
        Random random = new Random(23);
        for (int i = 0; i < 100_000; i++) {
            double d = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> (random.nextInt(2_000_000) - 1_000_000) / Math.pow(10, random.nextInt(12));
                case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(60) - 30);
                default -> random.nextGaussian();
            };
            float f = (float) d;
            // Java's shortest form, PostgreSQL's exponent style (1.5e-07), and fixed precisions around the limits
            for (String text : new String[] {Double.toString(d), Float.toString(f), pgStyle(Double.toString(d)),
                    pgStyle(Float.toString(f)), String.format("%." + random.nextInt(18) + "g", d),
                    Double.isFinite(d) ? new BigDecimal(d).round(new MathContext(1 + random.nextInt(17))).toPlainString()
                            : "NaN"}) {
                assertFloat8(text);
                assertFloat4(text);
            }
        }
    }

    /** {@code 1.5E-7} as PostgreSQL writes it: {@code 1.5e-07}. */
    private static String pgStyle(String java) {
        int e = java.indexOf('E');
        if (e < 0) {
            return java;
        }
        int exponent = Integer.parseInt(java.substring(e + 1));
        return java.substring(0, e) + String.format("e%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
    }

    @Test
    void uuidsEqualUuidFromString() {
        Random random = new Random(31);
        for (int i = 0; i < 10_000; i++) {
            UUID uuid = new UUID(random.nextLong(), random.nextLong());
            assertThat(decode(BuiltinType.UUID, uuid.toString())).isEqualTo(uuid);
            assertThat(decode(BuiltinType.UUID, uuid.toString().toUpperCase())).isEqualTo(uuid);
        }
        assertThat(decode(BuiltinType.UUID, "00000000-0000-0000-0000-000000000000")).isEqualTo(new UUID(0, 0));
        assertThat(decode(BuiltinType.UUID, "ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(new UUID(-1, -1));
        // Anything else is UUID.fromString's to judge, as before (it accepts short groups, for one)
        for (String text : new String[] {"", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g",
                "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99+9c0b-4ef8-bb6d-6bb9bd380a11", "1-2-3-4-5"}) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            Object expected;
            try {
                expected = UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                assertThatThrownBy(() -> BuiltinType.UUID.fromText(bytes, 0, bytes.length)).as(text)
                        .isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            assertThat(decode(BuiltinType.UUID, text)).isEqualTo(expected);
        }
    }
}
