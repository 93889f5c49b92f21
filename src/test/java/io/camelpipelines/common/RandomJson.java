package io.camelpipelines.common;

import java.util.Random;

/**
 * Hostile JSON values for the parsers' comparison tests: null, booleans, longs, a whole number too big for a long,
 * {@code -0}, decimals with a trailing zero, {@code 1e3}, too-long text, a NUL, blank text, numbers as text,
 * multi-byte and escaped characters, and nested arrays and objects with repeated fields.
 */
public final class RandomJson {

    private RandomJson() {
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
