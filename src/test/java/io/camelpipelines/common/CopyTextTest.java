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
                return new BigDecimal(r.nextLong()).movePointLeft(r.nextInt(6));
            case 2:
                return r.nextInt();
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

    private static byte[] reference(Object value) {
        if (value == null) {
            return "\\N".getBytes(StandardCharsets.US_ASCII);
        }
        String s = value instanceof BigDecimal d ? d.toPlainString() : value.toString();
        String escaped = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
        return escaped.getBytes(StandardCharsets.UTF_8);
    }
}
