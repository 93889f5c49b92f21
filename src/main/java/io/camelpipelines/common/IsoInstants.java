package io.camelpipelines.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * {@code OffsetDateTime.parse(text).toInstant()} without its cost for the shape nearly every record has
 * ({@code 2026-12-01T17:27:25.123Z}, or with an offset {@code +01:00}): the profile showed DateTimeFormatter taking a
 * sixth of a consumer thread's time. Anything else (no seconds, lower case, a year beyond four digits, an invalid
 * date) goes to OffsetDateTime.parse, which parses it or throws its DateTimeParseException, so the result and the
 * errors are exactly those of the JDK's parser.
 */
public final class IsoInstants {

    private IsoInstants() {
    }

    /**
     * {@code instant.toString()} (ISO_INSTANT: seconds always, then milli-, micro- or nanoseconds as the value needs
     * them, then Z) as ASCII bytes, without the DateTimeFormatter and LocalDateTime.toString it goes through: a tenth
     * of a PostgreSQL sink's consumer thread in the profile, for a timestamp column of the COPY text.
     */
    public static byte[] formatAscii(Instant instant) {
        long seconds = instant.getEpochSecond();
        long epochDay = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        if (epochDay < MIN_FAST_DAY || epochDay > MAX_FAST_DAY) {
            return instant.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        int nanos = instant.getNano();
        int fraction = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        byte[] out = new byte[20 + (fraction == 0 ? 0 : fraction + 1)];
        Day day = lastDay;
        if (day.epochDay != epochDay) {
            day = new Day(epochDay);
            lastDay = day;
        }
        System.arraycopy(day.text, 0, out, 0, 11);
        writeDigits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        writeDigits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        writeDigits(out, 17, secondOfDay % 60, 2);
        if (fraction > 0) {
            out[19] = '.';
            writeDigits(out, 20, nanos / (fraction == 3 ? 1_000_000 : fraction == 6 ? 1_000 : 1), fraction);
        }
        out[out.length - 1] = 'Z';
        return out;
    }

    /** {@code instant.toString()}, the same way as {@link #formatAscii}. */
    public static String format(Instant instant) {
        return new String(formatAscii(instant), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** A date as "yyyy-MM-ddT": a stream's timestamps mostly share the day, so the last one is kept. */
    private static final class Day {
        final long epochDay;
        final byte[] text = new byte[11];

        Day(long epochDay) {
            this.epochDay = epochDay;
            LocalDate date = LocalDate.ofEpochDay(epochDay);
            writeDigits(text, 0, date.getYear(), 4);
            text[4] = '-';
            writeDigits(text, 5, date.getMonthValue(), 2);
            text[7] = '-';
            writeDigits(text, 8, date.getDayOfMonth(), 2);
            text[10] = 'T';
        }
    }

    // shared by all threads: a Day is immutable once built, so a thread sees a whole one, the new or an older one
    private static volatile Day lastDay = new Day(0);

    // years 0000-9999: ISO_INSTANT writes a sign and more digits outside them, which the JDK's formatter does
    private static final long MIN_FAST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long MAX_FAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private static void writeDigits(byte[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    public static Instant parse(String s) {
        Instant fast = fastPath(s);
        return fast != null ? fast : OffsetDateTime.parse(s).toInstant();
    }

    private static Instant fastPath(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isAsciiDigit(s.charAt(i))) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || (i < n && isAsciiDigit(s.charAt(i)))) {
                return null;
            }
            for (int k = i - start; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offset = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59 || (oh == 18 && om > 0)) {
                return null;
            }
            offset = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException invalidDate) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offset, nanos);
    }

    // not Character.isDigit: the JDK's parser takes ASCII digits only, and another digit's value is not c - '0'
    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The number written by {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
