package io.camelpipelines.productviews;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.camelpipelines.common.FlatJsonObject;
import io.camelpipelines.common.InvalidRecordException;
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
    private static final Pattern EPOCH_SECONDS = Pattern.compile("-?\\d{1,18}");
    private static final Set<String> ARRAYS = Set.of("option");

    @Override
    public ProductView parse(byte[] value) throws InvalidRecordException {
        // the streaming reader: the same checks as over a tree, without building a tree per record
        FlatJsonObject n = FlatJsonObject.parse(value, ARRAYS);
        return new ProductView(
                required(n, "id"),
                epochSeconds(n),
                n.text("ip", MAX_ID),
                n.text("user_agent", MAX_TEXT),
                n.text("resolution", MAX_ID),
                n.text("device_id", MAX_ID),
                n.text("api_version", MAX_ID),
                identifier(n, "store_id"),
                n.text("local_time", MAX_ID),
                n.text("current_url", MAX_TEXT),
                n.text("referrer_url", MAX_TEXT),
                n.text("collection", MAX_ID),
                required(n, "product_id"),
                options(n));
    }

    private static String required(FlatJsonObject n, String field) throws InvalidRecordException {
        String v = identifier(n, field);
        if (v == null || v.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return v;
    }

    /** A string or a whole number, as a string (upstream sends store_id both ways). */
    private static String identifier(FlatJsonObject n, String field) throws InvalidRecordException {
        Object v = n.value(field);
        if (isWhole(v)) {
            return v.toString();
        }
        return n.text(field, MAX_ID);
    }

    private static boolean isWhole(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof BigInteger;
    }

    private static long epochSeconds(FlatJsonObject n) throws InvalidRecordException {
        if (n.isMissing("time_stamp")) {
            throw new InvalidRecordException("missing time_stamp");
        }
        Object v = n.value("time_stamp");
        long seconds;
        if (v instanceof Integer || v instanceof Long) {
            seconds = ((Number) v).longValue();
        } else if (v instanceof String s && EPOCH_SECONDS.matcher(s).matches()) {
            seconds = Long.parseLong(s);
        } else {
            throw new InvalidRecordException("time_stamp '" + n.asText("time_stamp") + "' is not epoch seconds");
        }
        if (seconds < -62_135_596_800L || seconds > 253_402_300_799L) {
            throw new InvalidRecordException("time_stamp '" + seconds + "' is out of range (years 1 to 9999)");
        }
        return seconds;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> options(FlatJsonObject n) throws InvalidRecordException {
        if (n.isMissing("option")) {
            return List.of();
        }
        if (!(n.value("option") instanceof List<?> options)) {
            throw new InvalidRecordException("option must be an array, not " + n.typeName("option"));
        }
        return (List<Object>) options;
    }
}
