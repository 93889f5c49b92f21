package io.camelpipelines.productviews;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.Json;
import io.camelpipelines.common.RecordParser;

/**
 * Upstream product views (and the normalized ones read back from the local topic) into {@link ProductView}s:
 * {@code id}, {@code product_id} and {@code time_stamp} are required; {@code store_id} and {@code product_id} may be
 * numbers or strings and become strings; {@code time_stamp} is epoch seconds (a number or a numeric string) within
 * years 1 to 9999; {@code option} is an array (absent or null: empty). Anything else is rejected naming the field.
 */
public class ProductViewParser implements RecordParser<ProductView> {

    private static final int MAX_ID = 128;
    private static final int MAX_TEXT = 2048;

    @Override
    public ProductView parse(byte[] value) throws InvalidRecordException {
        JsonNode n;
        try {
            n = Json.DECIMALS.readTree(value);
        } catch (IOException e) {
            throw new InvalidRecordException("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        return new ProductView(
                required(n, "id"),
                epochSeconds(n),
                FieldRules.text(n, "ip", MAX_ID),
                FieldRules.text(n, "user_agent", MAX_TEXT),
                FieldRules.text(n, "resolution", MAX_ID),
                FieldRules.text(n, "device_id", MAX_ID),
                FieldRules.text(n, "api_version", MAX_ID),
                identifier(n, "store_id"),
                FieldRules.text(n, "local_time", MAX_ID),
                FieldRules.text(n, "current_url", MAX_TEXT),
                FieldRules.text(n, "referrer_url", MAX_TEXT),
                FieldRules.text(n, "collection", MAX_ID),
                required(n, "product_id"),
                options(n));
    }

    private static String required(JsonNode n, String field) throws InvalidRecordException {
        String v = identifier(n, field);
        if (v == null || v.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return v;
    }

    /** A string or a whole number, as a string (upstream sends store_id both ways). */
    private static String identifier(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v != null && v.isIntegralNumber()) {
            return v.asText();
        }
        return FieldRules.text(n, field, MAX_ID);
    }

    private static long epochSeconds(JsonNode n) throws InvalidRecordException {
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

    private static List<Object> options(JsonNode n) throws InvalidRecordException {
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
