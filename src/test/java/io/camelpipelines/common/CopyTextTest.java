package io.camelpipelines.common;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** COPY's text format as CopyBatchWriter writes it, against the format's rules applied to the UTF-8 bytes. */
class CopyTextTest {

    private static final char[] ALPHABET = ("abcXYZ019 -_:/.,;'\"{}\u0001\u007f" + "\\\t\n\r" + "üé€東京" + "\ud83d\ude80"
            + "\ud800").toCharArray();

    @Test
    void everyValueIsItsUtf8BytesWithTheDelimitersEscaped() {
        Random random = new Random(7);
        CopyBatchWriter.ByteArrayOutputStream out = new CopyBatchWriter.ByteArrayOutputStream(1);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 20_000; i++) {
            Object value = randomValue(random);
            CopyBatchWriter.writeCopyText(out, value);
            out.write('\t');
            expected.writeBytes(reference(value));
            expected.write('\t');
        }
        assertThat(Arrays.copyOf(out.buf(), out.size())).isEqualTo(expected.toByteArray());
    }

    @Test
    void nullsNumbersAndPlainText() {
        assertThat(text(null)).isEqualTo("\\N");
        assertThat(text(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(text("a\\b\tc\nd\re")).isEqualTo("a\\\\b\\tc\\nd\\re");
        assertThat(text("Zürich 🚀")).isEqualTo("Zürich 🚀");
        assertThat(text(42L)).isEqualTo("42");
        assertThat(text(-7L)).isEqualTo("-7");
        assertThat(text(Long.MIN_VALUE)).isEqualTo("-9223372036854775808");
        assertThat(text(new BigDecimal("0.00"))).isEqualTo("0.00");
        assertThat(text(new BigDecimal("-0.005"))).isEqualTo("-0.005");
        assertThat(text(new BigDecimal("67250.12000000"))).isEqualTo("67250.12000000");
        assertThat(text(new BigDecimal("123456789012345678.5"))).isEqualTo("123456789012345678.5");
    }

    private static String text(Object value) {
        CopyBatchWriter.ByteArrayOutputStream out = new CopyBatchWriter.ByteArrayOutputStream(4);
        CopyBatchWriter.writeCopyText(out, value);
        return new String(out.buf(), 0, out.size(), StandardCharsets.UTF_8);
    }

    private static Object randomValue(Random r) {
        switch (r.nextInt(8)) {
            case 0:
                return null;
            case 1:
                return randomDecimal(r);
            case 2:
                return r.nextBoolean() ? r.nextInt() : randomLong(r);
            default:
                // mostly plain ASCII, as most values are; the rest mixes in escapes and multi-byte characters
                boolean plain = r.nextInt(3) > 0;
                StringBuilder b = new StringBuilder();
                int n = r.nextInt(plain ? 60 : 20);
                for (int i = 0; i < n; i++) {
                    b.append(ALPHABET[r.nextInt(plain ? 24 : ALPHABET.length)]);
                }
                return b.toString();
        }
    }

    /** Prices and volumes as they come, and the edges: zeros with a scale, negative scales, 18 and 19 digits. */
    private static BigDecimal randomDecimal(Random r) {
        long unscaled = switch (r.nextInt(4)) {
            case 0 -> r.nextInt(1000) - 500;
            case 1 -> randomLong(r);
            case 2 -> (r.nextBoolean() ? 1 : -1) * (long) Math.pow(10, r.nextInt(19)) - r.nextInt(2);
            default -> r.nextLong();
        };
        BigDecimal d = new BigDecimal(java.math.BigInteger.valueOf(unscaled), r.nextInt(26) - 4);
        return r.nextInt(10) == 0 ? d.multiply(new BigDecimal(randomLong(r))) : d;
    }

    /** Longs of every length, with their extremes. */
    private static long randomLong(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Long.MIN_VALUE + r.nextInt(3);
            case 1 -> Long.MAX_VALUE - r.nextInt(3);
            default -> r.nextLong() >> r.nextInt(64);
        };
    }

    private static byte[] reference(Object value) {
        if (value == null) {
            return "\\N".getBytes(StandardCharsets.US_ASCII);
        }
        String s = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
        String escaped = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
        return escaped.getBytes(StandardCharsets.UTF_8);
    }
}
