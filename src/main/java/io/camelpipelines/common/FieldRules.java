package io.camelpipelines.common;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks every parser applies to the fields of a record before a sink sees it, so that a value the sink would
 * refuse (PostgreSQL cannot store a NUL character or the year 300000; a NUMERIC column has a fixed number of
 * digits; Parquet timestamps stop at year 9999) is rejected with a reason that names the field, instead of failing
 * the batch with a database message that names none.
 */
public final class FieldRules {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private FieldRules() {
    }

    /** A string field: absent or null gives null; another JSON type, too long, or a NUL character is rejected. */
    public static String text(JsonNode record, String field, int maxLength) throws InvalidRecordException {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRecordException(field + " must be a string, not " + v.getNodeType().name().toLowerCase());
        }
        return text(field, v.asText(), maxLength);
    }

    /** A string value of a field: too long, or a NUL character, is rejected. */
    public static String text(String field, String s, int maxLength) throws InvalidRecordException {
        if (s.length() > maxLength) {
            throw new InvalidRecordException(field + " longer than " + maxLength + " characters");
        }
        if (s.indexOf('\u0000') >= 0) {
            throw new InvalidRecordException(field + " contains a NUL character");
        }
        return s;
    }

    /** A time within years 1 to 9999, what PostgreSQL, Parquet and Elasticsearch all hold. */
    public static Instant inRange(String field, String raw, Instant t) throws InvalidRecordException {
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new InvalidRecordException(field + " '" + raw + "' is out of range (years 1 to 9999)");
        }
        return t;
    }

    /** A number that fits NUMERIC(precision, scale) once rounded to the scale. */
    public static BigDecimal numeric(String field, BigDecimal v, int precision, int scale) throws InvalidRecordException {
        if (v.precision() - v.scale() > precision - scale) {
            // 1E+400 stays short: writing out a huge exponent in full would cost memory
            String shown = v.precision() - v.scale() > 40 ? v.toString() : v.toPlainString();
            throw new InvalidRecordException(field + " " + shown + " exceeds NUMERIC(" + precision + "," + scale + ")");
        }
        return v;
    }
}
