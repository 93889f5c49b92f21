package io.camelpipelines.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whatever the text, the same instant as OffsetDateTime.parse, or the same refusal. */
class IsoInstantsTest {

    @Test
    void theSameAsTheJdksParserOnChosenTexts() {
        for (String s : List.of("2026-12-01T17:27:25Z", "2026-12-01T17:27:25.1Z", "2026-12-01T17:27:25.123456789Z",
                "2026-12-01T17:27:25.123+01:00", "2026-12-01T00:00:00-05:30", "2024-02-29T23:59:59.999Z",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-12-01T17:27Z", "2026-12-01t17:27:25z",
                "+12026-12-01T17:27:25Z", "2026-12-01T17:27:25+18:00", "2026-12-01T17:27:25-18:00",
                "2026-12-01T17:27:25+01:00:30", "2026-12-01T10:00:00.Z")) {
            assertThat(IsoInstants.parse(s)).as(s).isEqualTo(OffsetDateTime.parse(s).toInstant());
        }
    }

    @Test
    void refusesWhatTheJdksParserRefuses() {
        for (String s : List.of("2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
                "2026-12-01T24:00:00Z", "2026-12-01T10:60:00Z", "2026-12-01T10:00:60Z", "2026-12-01T10:00:00",
                "2026-12-01T10:00:00.1234567890Z", "2026-12-01T10:00:00+19:00",
                "2026-12-01T10:00:00+01:60", "2026-12-01 10:00:00Z", "yesterday", "2026-12-01T10:00:00ZZ",
                "2026-12-01T1a:00:00Z", "2026-12-01T10:00:00+0100",
                // digits, but not ASCII ones (Arabic-Indic, fullwidth): the JDK refuses them
                "2026-12-01T17:27:25.\u0661Z", "2026-12-01T17:27:25.\uFF11Z", "2026-12-01T17:27:\u0662\u0665Z")) {
            assertThatThrownBy(() -> OffsetDateTime.parse(s)).as("the JDK refuses " + s)
                    .isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> IsoInstants.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void theSameAsTheJdksParserOnRandomTexts() {
        Random r = new Random(11);
        String alphabet = "0123456789-:T.Z+";
        for (int i = 0; i < 200_000; i++) {
            char[] c = "2026-12-01T17:27:25.123+01:00".toCharArray();
            // a few characters changed, often into something that still parses
            for (int k = r.nextInt(3); k >= 0; k--) {
                c[r.nextInt(c.length)] = alphabet.charAt(r.nextInt(alphabet.length()));
            }
            String s = new String(c, 0, 20 + r.nextInt(c.length - 19));
            Instant expected;
            try {
                expected = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> IsoInstants.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(IsoInstants.parse(s)).as(s).isEqualTo(expected);
        }
    }

    @Test
    void formatsAsInstantToStringDoes() {
        Random r = new Random(17);
        List<Instant> chosen = List.of(Instant.EPOCH, Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.5Z"), Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 1),
                Instant.parse("2024-02-29T12:00:00.100Z"), Instant.parse("2026-12-01T17:27:25.123400Z"));
        for (Instant i : chosen) {
            assertThat(new String(IsoInstants.formatAscii(i), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(i.toString());
        }
        for (int k = 0; k < 200_000; k++) {
            long seconds = r.nextLong(-62_200_000_000L, 253_500_000_000L);
            int nanos = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1_000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant i = Instant.ofEpochSecond(seconds, nanos);
            assertThat(new String(IsoInstants.formatAscii(i), java.nio.charset.StandardCharsets.US_ASCII)).as("%s", i)
                    .isEqualTo(i.toString());
        }
    }
}
