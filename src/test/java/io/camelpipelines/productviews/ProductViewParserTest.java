package io.camelpipelines.productviews;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.Json;
import io.camelpipelines.common.RandomJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProductViewParserTest {

    private final ProductViewParser parser = new ProductViewParser();

    @Test
    void normalizesTheUpstreamShape() throws Exception {
        ProductView v = parse("{\"id\":\"v-1\",\"time_stamp\":1700000000,\"store_id\":12,\"product_id\":\"p-9\","
                + "\"ip\":\"10.0.0.1\",\"option\":[{\"option_label\":\"Red\",\"price\":1.50},3,\"x\",null,true]}");
        assertThat(v.id()).isEqualTo("v-1");
        assertThat(v.timeStamp()).isEqualTo(1_700_000_000L);
        assertThat(v.storeId()).isEqualTo("12");
        assertThat(v.productId()).isEqualTo("p-9");
        assertThat(v.ip()).isEqualTo("10.0.0.1");
        assertThat(v.userAgent()).isNull();
        List<Object> expected = new ArrayList<>();
        expected.add(Map.of("option_label", "Red", "price", new BigDecimal("1.50")));
        expected.add(3);
        expected.add("x");
        expected.add(null);
        expected.add(true);
        assertThat(v.option()).isEqualTo(expected);
        assertThat(parse("{\"id\":\"v\",\"time_stamp\":\"-5\",\"product_id\":7}").option()).isEmpty();
        assertThat(parse("{\"id\":\"v\",\"time_stamp\":\"-5\",\"product_id\":7}").timeStamp()).isEqualTo(-5);
    }

    @Test
    void namesTheFieldThatIsWrong() {
        assertReason("{\"time_stamp\":1,\"product_id\":\"p\"}", "missing id");
        assertReason("{\"id\":\" \",\"time_stamp\":1,\"product_id\":\"p\"}", "missing id");
        assertReason("{\"id\":\"v\",\"product_id\":\"p\"}", "missing time_stamp");
        assertReason("{\"id\":\"v\",\"time_stamp\":\"yesterday\",\"product_id\":\"p\"}",
                "time_stamp 'yesterday' is not epoch seconds");
        assertReason("{\"id\":\"v\",\"time_stamp\":1.50,\"product_id\":\"p\"}", "time_stamp '1.50' is not epoch seconds");
        assertReason("{\"id\":\"v\",\"time_stamp\":99999999999999,\"product_id\":\"p\"}",
                "time_stamp '99999999999999' is out of range (years 1 to 9999)");
        assertReason("{\"id\":\"v\",\"time_stamp\":1,\"product_id\":\"p\",\"option\":\"red\"}",
                "option must be an array, not string");
        assertReason("{\"id\":\"v\",\"time_stamp\":1,\"product_id\":\"p\",\"ip\":3}", "ip must be a string, not number");
        assertReason("{\"id\":\"v\",\"time_stamp\":1,\"product_id\":1.5}", "product_id must be a string, not number");
        assertReason("[1]", "not a JSON object");
        assertThatThrownBy(() -> parse("{\"id\":")).isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("malformed JSON");
    }

    @Test
    void readsEveryValidAndInvalidRecordAsATreeReaderDoes() throws Exception {
        Random random = new Random(16);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            String json = randomView(random);
            Object expected = RandomJson.outcome(() -> TreeReference.parse(json.getBytes(StandardCharsets.UTF_8)));
            Object actual = RandomJson.outcome(() -> parse(json));
            assertThat(actual).as(json).isEqualTo(expected);
            valid += expected instanceof ProductView ? 1 : 0;
        }
        // both outcomes are exercised
        assertThat(valid).isBetween(2_000, 18_000);
    }

    private ProductView parse(String json) throws InvalidRecordException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private void assertReason(String json, String reason) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidRecordException.class).hasMessage(reason);
    }

    private static final String[] FIELDS = {"id", "time_stamp", "ip", "user_agent", "resolution", "device_id",
        "api_version", "store_id", "local_time", "current_url", "referrer_url", "collection", "product_id", "option",
        "extra"};

    /** Mostly well-formed views, each field now and then of another type, too long, repeated or missing. */
    private static String randomView(Random r) {
        return RandomJson.object(r, FIELDS, 40, 30, 12, ProductViewParserTest::usual);
    }

    private static String usual(String field, Random r) {
        return switch (field) {
            case "time_stamp" -> r.nextBoolean() ? Long.toString(1_600_000_000L + r.nextInt(100_000_000))
                    : "\"" + (1_600_000_000L + r.nextInt(100_000_000)) + "\"";
            case "store_id", "product_id" -> r.nextBoolean() ? Integer.toString(r.nextInt(1000)) : "\"s-" + r.nextInt(99) + "\"";
            case "option" -> RandomJson.anyArray(r, 2);
            default -> "\"" + field + "-" + r.nextInt(1000) + "\"";
        };
    }

    /** How the parser read records over a Jackson tree before it streamed them: the reference it must agree with. */
    private static final class TreeReference {

        static ProductView parse(byte[] value) throws InvalidRecordException {
            JsonNode n = RandomJson.objectTree(value);
            return new ProductView(required(n, "id"), epochSeconds(n), FieldRules.text(n, "ip", 128),
                    FieldRules.text(n, "user_agent", 2048), FieldRules.text(n, "resolution", 128),
                    FieldRules.text(n, "device_id", 128), FieldRules.text(n, "api_version", 128),
                    identifier(n, "store_id"), FieldRules.text(n, "local_time", 128),
                    FieldRules.text(n, "current_url", 2048), FieldRules.text(n, "referrer_url", 2048),
                    FieldRules.text(n, "collection", 128), required(n, "product_id"), options(n));
        }

        static String required(JsonNode n, String field) throws InvalidRecordException {
            String v = identifier(n, field);
            if (v == null || v.isBlank()) {
                throw new InvalidRecordException("missing " + field);
            }
            return v;
        }

        static String identifier(JsonNode n, String field) throws InvalidRecordException {
            JsonNode v = n.get(field);
            return v != null && v.isIntegralNumber() ? v.asText() : FieldRules.text(n, field, 128);
        }

        static long epochSeconds(JsonNode n) throws InvalidRecordException {
            JsonNode v = n.get("time_stamp");
            if (v == null || v.isNull()) {
                throw new InvalidRecordException("missing time_stamp");
            }
            long seconds;
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                seconds = v.asLong();
            } else if (v.isTextual() && v.asText().matches("-?\\d{1,18}")) {
                seconds = Long.parseLong(v.asText());
            } else {
                throw new InvalidRecordException("time_stamp '" + v.asText() + "' is not epoch seconds");
            }
            if (seconds < -62_135_596_800L || seconds > 253_402_300_799L) {
                throw new InvalidRecordException("time_stamp '" + seconds + "' is out of range (years 1 to 9999)");
            }
            FieldRules.inRange("time_stamp", v.asText(), Instant.ofEpochSecond(seconds));
            return seconds;
        }

        static List<Object> options(JsonNode n) throws InvalidRecordException {
            JsonNode v = n.get("option");
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw new InvalidRecordException("option must be an array, not " + v.getNodeType().name().toLowerCase());
            }
            List<Object> out = new ArrayList<>();
            v.forEach(o -> out.add(Json.DECIMALS.convertValue(o, Object.class)));
            return out;
        }
    }
}
