package io.camelpipelines.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FlatJsonObject#parse} (the scanner first, Jackson when it gives up) against Jackson alone, on documents of
 * every kind: the same fields with values of the same types, or the same refusal.
 */
class FlatJsonScannerTest {

    private static final String[] FIELDS = {"id", "price", "qty", "when", "ok", "note", "id"};
    private static final Set<String> ARRAYS = Set.of("tags");
    // the bytes that change a document's shape
    private static final String EDITS = "{}[]\":,.-+eE0 \\\tfnu\u0001x";

    @Test
    void readsWhatJacksonReadsAndGivesUpOnTheRest() {
        Random r = new Random(23);
        int scanned = 0;
        int total = 60_000;
        for (int n = 0; n < total; n++) {
            byte[] json = document(r);
            Object expected = outcome(() -> FlatJsonObject.parseWithJackson(json, ARRAYS).fields());
            Object actual = outcome(() -> FlatJsonObject.parse(json, ARRAYS).fields());
            assertThat(actual).as(new String(json, StandardCharsets.UTF_8)).isEqualTo(expected);
            // and in the same order: an option's fields are stored in the order they came
            assertThat(String.valueOf(actual)).isEqualTo(String.valueOf(expected));
            Map<String, Object> fast = FlatJsonScanner.fields(json, ARRAYS);
            if (fast != null) {
                scanned++;
                // same types too: Map.equals holds Integer 1 and Long 1, or 1.0 and 1.00, apart
                fast.forEach((k, v) -> assertThat(v).as(k).isExactlyInstanceOf(((Map<?, ?>) expected).get(k).getClass()));
            }
        }
        // the scanner reads most documents, and leaves Jackson some of every kind
        assertThat(scanned).isBetween(total / 4, total * 9 / 10);
    }

    @Test
    void theUsualShapesAndTheirEdges() {
        assertThat(scan("{}")).isEmpty();
        assertThat(scan(" \n{\"a\" : 1 ,\"b\":-2147483649,\"c\":12.50,\"d\":\"x y\",\"e\":null,\"f\":true}  trailing"))
                .containsEntry("a", 1).containsEntry("b", -2147483649L).containsEntry("c", new java.math.BigDecimal("12.50"))
                .containsEntry("d", "x y").containsEntry("f", Boolean.TRUE).hasSize(6);
        assertThat(scan("{\"a\":-0}")).containsEntry("a", 0);
        assertThat(scan("{\"a\":-0.50,\"b\":-0.0,\"c\":123456789012345678.9,\"d\":12345678901234567.8}"))
                .containsEntry("a", new java.math.BigDecimal("-0.50")).containsEntry("b", new java.math.BigDecimal("0.0"))
                .containsEntry("c", new java.math.BigDecimal("123456789012345678.9"))
                .containsEntry("d", new java.math.BigDecimal("12345678901234567.8"));
        assertThat(scan("{\"tags\":[ ],\"a\":[],\"o\":{ }}")).containsEntry("tags", java.util.List.of())
                .containsEntry("a", com.fasterxml.jackson.databind.node.JsonNodeType.ARRAY)
                .containsEntry("o", com.fasterxml.jackson.databind.node.JsonNodeType.OBJECT);
        assertThat(scan("{\"a\":999999999999999999}")).containsEntry("a", 999_999_999_999_999_999L);
        Map<String, Object> dup = new java.util.LinkedHashMap<>();
        dup.put("k", 3);
        dup.put("j", null);
        assertThat(scan("{\"tags\":[ {\"k\":\"a\",\"j\":null,\"k\":3} ,\"x\",1.50,null,false,{}]}").get("tags"))
                .isEqualTo(java.util.Arrays.asList(dup, "x", new java.math.BigDecimal("1.50"), null, false, Map.of()));
        for (String given : new String[] {"{\"a\":1e3}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":\"\\n\"}", "{\"a\":\"ü\"}",
                "{\"a\":[1]}", "{\"tags\":[[1]]}", "{\"tags\":[{\"a\":[]}]}", "{\"tags\":[1,]}", "{\"tags\":[1}", "{\"a\":1]}", "{\"a\":{\"b\":1}}", "{\"a\":[]", "{\"a\":[ }", "{\"a\":1", "{\"a\":tru}", "{\"a\":1234567890123456789}", "[1]", "",
                "{\"a\":1,}", "{\"a\":\"\t\"}", "{'a':1}", "{\"a\":+1}", "{\"a\":truex}"}) {
            assertThat(FlatJsonScanner.fields(given.getBytes(StandardCharsets.UTF_8), ARRAYS)).as(given).isNull();
        }
    }

    @Test
    void aDecimalBeyondBigDecimalIsRefusedAsMalformed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlatJsonObject.parse(
                        "{\"a\":1E3456789012}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidRecordException.class).hasMessageStartingWith("malformed JSON: ");
    }

    private static Map<String, Object> scan(String json) {
        return FlatJsonScanner.fields(json.getBytes(StandardCharsets.UTF_8), ARRAYS);
    }

    /** A flat object as records are, now and then hostile values, odd spacing, a byte changed or the end cut off. */
    private static byte[] document(Random r) {
        String json = RandomJson.object(r, FIELDS, 20, 10, 6, FlatJsonScannerTest::usual);
        if (r.nextInt(4) == 0) {
            json = json.replace(",", r.nextBoolean() ? " , " : ",\n\t").replace(":", r.nextBoolean() ? " :\r\n" : ":");
        }
        if (r.nextInt(5) == 0) {
            json = json.substring(0, json.length() - 1) + (json.length() > 2 ? "," : "") + "\"tags\":"
                    + (r.nextBoolean() ? RandomJson.anyArray(r, 1) : options(r)) + "}";
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        switch (r.nextInt(12)) {
            case 0:
                return Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
            case 1:
                bytes[r.nextInt(bytes.length)] = (byte) EDITS.charAt(r.nextInt(EDITS.length()));
                return bytes;
            case 2:
                bytes[r.nextInt(bytes.length)] = (byte) (0x80 | r.nextInt(0x80));
                return bytes;
            default:
                return bytes;
        }
    }

    /** An array as product views' options are: flat objects of text and numbers, now and then a repeated name. */
    private static String options(Random r) {
        StringBuilder b = new StringBuilder("[");
        for (int n = r.nextInt(4), i = 0; i < n; i++) {
            b.append(i > 0 ? ", " : "").append(r.nextInt(6) == 0 ? usual("qty", r)
                    : RandomJson.object(r, new String[] {"option_label", "option_id", "price", "ok", "note"}, 3, 6, 12,
                    FlatJsonScannerTest::usual));
        }
        return b.append(']').toString();
    }

    private static String usual(String field, Random r) {
        return switch (field) {
            case "price" -> r.nextInt(4) > 0 ? r.nextInt(100_000) + "." + String.format("%08d", r.nextInt(100_000_000))
                    // around the 18 digits a long holds, either side of zero
                    : (r.nextBoolean() ? "-" : "") + Long.toString(r.nextLong() >>> r.nextInt(64)) + "."
                    + "0".repeat(r.nextInt(3)) + Long.toString(r.nextLong() >>> r.nextInt(64));
            case "qty" -> r.nextBoolean() ? Long.toString(r.nextLong() >> r.nextInt(64)) : Integer.toString(r.nextInt());
            case "ok" -> Boolean.toString(r.nextBoolean());
            case "note" -> r.nextBoolean() ? "null" : "\"" + "word ".repeat(r.nextInt(5)) + "\"";
            default -> "\"" + Long.toHexString(r.nextLong()) + "-" + r.nextInt(10) + "\"";
        };
    }

    private static Object outcome(RandomJson.Parse parse) {
        return RandomJson.outcome(parse);
    }
}
