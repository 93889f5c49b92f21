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
