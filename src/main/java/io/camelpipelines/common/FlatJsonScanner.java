package io.camelpipelines.common;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.JsonNodeType;

/**
 * Reads the shape nearly every record on a topic has, a flat JSON object of printable ASCII text, plain numbers,
 * booleans and nulls, straight from its bytes, with the values Jackson's streaming parser gives for it; and gives up
 * (null) at the first byte outside that shape, so that {@link FlatJsonObject} reads the document with Jackson, which
 * then decides what it holds or why it is refused. Creating a Jackson parser and its buffers for each record was
 * about a third of the ticks' consumer thread, the parse included.
 * <p>
 * Outside the shape: escapes and any byte outside 0x20–0x7F in a text, a nested object or array that is not empty
 * (but a kept array may hold those values and flat objects of them), a number with an exponent or a leading zero or
 * more than 18 digits, any other byte where a value or separator is expected, and a document that is not an object. The content after the object's closing brace is not read, as Jackson does not.
 */
final class FlatJsonScanner {

    // long enough for any record's field; Jackson's own limits (names of 50,000, numbers of 1,000) then stay its own
    private static final int MAX_NAME = 1_000;
    private static final int MAX_TEXT = 1_000_000;
    private static final int MAX_DECIMAL = 100;

    private final byte[] b;
    private final Set<String> arrays;
    private int i;

    private FlatJsonScanner(byte[] json, Set<String> arrays) {
        this.b = json;
        this.arrays = arrays;
    }

    /**
     * The object's fields as {@link FlatJsonObject} keeps them (an array named in {@code arrays} as a
     * list), or null when Jackson must read it.
     */
    static Map<String, Object> fields(byte[] json, Set<String> arrays) {
        return new FlatJsonScanner(json, arrays).object();
    }

    private Map<String, Object> object() {
        skipSpace();
        return next('{') ? members(new HashMap<>(32), true) : null;
    }

    /**
     * The fields after an opening brace, to its closing one: the document's own, whose values may be kept arrays and
     * whose nulls are noted as such, or an array's flat object's ({@code top} false), whose nulls are null.
     */
    private Map<String, Object> members(Map<String, Object> fields, boolean top) {
        skipSpace();
        if (next('}')) {
            return fields;
        }
        while (true) {
            String name = next('"') ? text(MAX_NAME) : null;
            if (name == null) {
                return null;
            }
            skipSpace();
            if (!next(':')) {
                return null;
            }
            skipSpace();
            Object value = top ? value(name) : scalar();
            if (value == null) {
                return null;
            }
            fields.put(name, top || value != JsonNodeType.NULL ? value : null);
            skipSpace();
            if (next('}')) {
                return fields;
            }
            if (!next(',')) {
                return null;
            }
            skipSpace();
        }
    }

    private Object value(String name) {
        if (i >= b.length) {
            return null;
        }
        byte c = b[i];
        if (c == '[' && arrays.contains(name)) {
            return list();
        }
        if (c == '[' || c == '{') {
            // only an empty one: a product view's usual "option":[]
            return empty(c == '[' ? ']' : '}', c == '[' ? JsonNodeType.ARRAY : JsonNodeType.OBJECT);
        }
        return scalar();
    }

    /**
     * A kept array of text, numbers, booleans, nulls and flat objects of them (a product view's options), as
     * {@code Json.DECIMALS} reads it: a list, objects as insertion-ordered maps where the last of duplicate names wins,
     * JSON null as null. Null when it holds anything else.
     */
    private List<Object> list() {
        i++;
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (next(']')) {
            return items;
        }
        while (true) {
            Object item = next('{') ? members(new LinkedHashMap<>(), false) : scalar();
            if (item == null) {
                return null;
            }
            items.add(item == JsonNodeType.NULL ? null : item);
            skipSpace();
            if (next(']')) {
                return items;
            }
            if (!next(',')) {
                return null;
            }
            skipSpace();
        }
    }

    /** Text, a number, a boolean, or JsonNodeType.NULL for null; null when the value is none of them. */
    private Object scalar() {
        if (i >= b.length) {
            return null;
        }
        byte c = b[i];
        if (c == '"') {
            i++;
            return text(MAX_TEXT);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (literal("true")) {
            return Boolean.TRUE;
        }
        if (literal("false")) {
            return Boolean.FALSE;
        }
        if (literal("null")) {
            return JsonNodeType.NULL;
        }
        return null;
    }

    /** {@code value} for an opening bracket followed by only spaces and its closing one, else null. */
    private Object empty(char close, Object value) {
        int j = i + 1;
        while (j < b.length && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r')) {
            j++;
        }
        if (j + 1 >= b.length || b[j] != close || !endsValue(b[j + 1])) {
            return null;
        }
        i = j + 1;
        return value;
    }

    /** The text up to the closing quote, which is consumed; null for an escape, a byte outside 0x20–0x7F, no end. */
    private String text(int max) {
        int start = i;
        int end = Math.min(b.length, start + max + 1);
        for (int j = start; j < end; j++) {
            byte c = b[j];
            if (c == '"') {
                i = j + 1;
                return new String(b, start, j - start, StandardCharsets.ISO_8859_1);
            }
            // a negative byte is one of a multi-byte character, whose checking is Jackson's
            if (c < 0x20 || c == '\\') {
                return null;
            }
        }
        return null;
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?, ended by a space, a comma or a brace: Integer, Long or BigDecimal as written. */
    private Object number() {
        int start = i;
        int j = i;
        boolean negative = j < b.length && b[j] == '-';
        if (negative) {
            j++;
        }
        int intStart = j;
        while (j < b.length && b[j] >= '0' && b[j] <= '9') {
            j++;
        }
        int intDigits = j - intStart;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            return null;
        }
        boolean fraction = j < b.length && b[j] == '.';
        if (fraction) {
            int fracStart = ++j;
            while (j < b.length && b[j] >= '0' && b[j] <= '9') {
                j++;
            }
            if (j == fracStart || j - start > MAX_DECIMAL) {
                return null;
            }
        }
        if (j >= b.length || !endsValue(b[j])) {
            return null;
        }
        i = j;
        int digits = j - intStart - (fraction ? 1 : 0);
        if (digits > 18) {
            if (!fraction) {
                return null;
            }
            return new BigDecimal(new String(b, start, j - start, StandardCharsets.ISO_8859_1));
        }
        long v = 0;
        for (int k = intStart; k < j; k++) {
            if (b[k] != '.') {
                v = v * 10 + (b[k] - '0');
            }
        }
        v = negative ? -v : v;
        if (fraction) {
            // the value and scale new BigDecimal(text) gives, without the text: 12.50 is 1250 with scale 2
            return BigDecimal.valueOf(v, digits - intDigits);
        }
        return v == (int) v ? (Object) (int) v : (Object) v;
    }

    // a ']' after a field's value is then refused by the object, which wants ',' or '}'
    private static boolean endsValue(byte c) {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean literal(String word) {
        int n = word.length();
        if (i + n >= b.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        if (!endsValue(b[i + n])) {
            return false;
        }
        i += n;
        return true;
    }

    private boolean next(char c) {
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
    }
}
