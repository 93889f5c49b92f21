package io.camelpipelines.common;

import java.util.Random;
import java.util.function.BiFunction;

/**
 * Hostile JSON values for the parsers' comparison tests: null, booleans, longs, a whole number too big for a long,
 * {@code -0}, decimals with a trailing zero, {@code 1e3}, too-long text, a NUL, blank text, numbers as text,
 * multi-byte and escaped characters, and nested arrays and objects with repeated fields.
 */
public final class RandomJson {

    private RandomJson() {
    }

    /** What a parser made of a document: its value, or "refused: " and its reason. */
    public interface Parse {
        Object get() throws InvalidRecordException;
    }

    public static Object outcome(Parse parse) {
        try {
            return parse.get();
        } catch (InvalidRecordException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** The tree the comparison tests' reference readers start from, refused as the streaming reader refuses it. */
    public static com.fasterxml.jackson.databind.JsonNode objectTree(byte[] value) throws InvalidRecordException {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = Json.DECIMALS.readTree(value);
        } catch (java.io.IOException e) {
            throw new InvalidRecordException("malformed JSON");
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        return n;
    }

    /**
     * An object of {@code fields} in order, each left out one time in {@code missing}, else written twice one time in
     * {@code repeated}, each copy {@link #anyValue} one time in {@code hostile} and {@code usual}'s value otherwise.
     */
    public static String object(Random r, String[] fields, int missing, int repeated, int hostile,
                                BiFunction<String, Random, String> usual) {
        StringBuilder b = new StringBuilder("{");
        for (String field : fields) {
            int copies = r.nextInt(missing) == 0 ? 0 : r.nextInt(repeated) == 0 ? 2 : 1;
            for (int c = 0; c < copies; c++) {
                b.append(b.length() > 1 ? "," : "").append('"').append(field).append("\":");
                b.append(r.nextInt(hostile) == 0 ? anyValue(r, 2) : usual.apply(field, r));
            }
        }
        return b.append('}').toString();
    }

    public static String anyValue(Random r, int depth) {
        return switch (r.nextInt(depth > 0 ? 16 : 14)) {
            case 0 -> "null";
            case 1 -> "true";
            case 2 -> "false";
            case 3 -> Long.toString(r.nextLong());
            case 4 -> "123456789012345678901234567890";
            case 5 -> "-0";
            case 6 -> r.nextInt(1000) + "." + r.nextInt(100) + "0";
            case 7 -> "1e3";
            case 8 -> "\"" + "x".repeat(r.nextBoolean() ? 129 : 2049) + "\"";
            case 9 -> "\"a\\u0000b\"";
            case 10 -> "\"  \"";
            case 11 -> "\"" + r.nextInt() + "\"";
            case 12 -> "\"" + r.nextLong() + "\"";
            case 13 -> "\"ünï 😀 \\\"q\\\"\"";
            case 14 -> anyArray(r, depth - 1);
            default -> "{\"a\":" + anyValue(r, depth - 1) + ",\"a\":" + anyValue(r, depth - 1) + ",\"b\":[]}";
        };
    }

    public static String anyArray(Random r, int depth) {
        StringBuilder b = new StringBuilder("[");
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? "," : "").append(anyValue(r, depth));
        }
        return b.append(']').toString();
    }
}
