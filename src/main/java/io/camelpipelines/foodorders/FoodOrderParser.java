package io.camelpipelines.foodorders;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.RecordParser;

/**
 * The seed's cleaning, record by record: an order without order_id, with a missing or negative amount,
 * an unknown status or an unreadable created_at never reaches the lake; its reason goes to the DLQ.
 */
public class FoodOrderParser implements RecordParser<FoodOrder> {

    // the source table's VARCHAR(255)
    private static final int MAX_TEXT = 255;
    static final Set<String> STATUSES = Set.of("PLACED", "PREPARING", "DELIVERED", "CANCELLED");
    static final Set<String> OPS = Set.of(FoodOrder.INSERT, FoodOrder.UPDATE, FoodOrder.DELETE);
    // amounts are money: parsed as decimals, never through a double
    private static final ObjectMapper JSON = io.camelpipelines.common.Json.DECIMALS;

    @Override
    public FoodOrder parse(byte[] value) throws InvalidRecordException {
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException | NumberFormatException e) {
            // NumberFormatException: a decimal BigDecimal cannot hold (1E3456789012), which Jackson throws unwrapped
            throw new InvalidRecordException("malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        JsonNode id = n.get("order_id");
        if (id == null || id.isNull()) {
            throw new InvalidRecordException("null order_id");
        }
        if (!id.canConvertToLong()) {
            throw new InvalidRecordException("order_id '" + id.asText() + "' is not a whole number");
        }
        JsonNode amountNode = n.get("amount");
        if (amountNode == null || amountNode.isNull()) {
            throw new InvalidRecordException("null amount");
        }
        if (!amountNode.isNumber()) {
            throw new InvalidRecordException("amount '" + amountNode.asText() + "' is not a number");
        }
        BigDecimal amount = amountNode.decimalValue();
        if (amount.signum() < 0) {
            throw new InvalidRecordException("negative amount " + amount.toPlainString());
        }
        FieldRules.numeric("amount", amount, 10, 2);
        String status = text(n, "order_status");
        if (status == null || !STATUSES.contains(status)) {
            throw new InvalidRecordException("order_status '" + status + "' is not one of " + STATUSES);
        }
        String op = text(n, "op");
        if (op == null) {
            // a source that publishes rows without a change type (the legacy point-of-sale feed) publishes inserts
            op = FoodOrder.INSERT;
        } else if (!OPS.contains(op)) {
            throw new InvalidRecordException("op '" + op + "' is not one of " + OPS);
        }
        return new FoodOrder(id.asLong(), text(n, "customer_name"), text(n, "restaurant_name"), text(n, "item"),
                amount.setScale(2, java.math.RoundingMode.HALF_UP), status, createdAt(text(n, "created_at")), op);
    }

    private static String text(JsonNode n, String field) throws InvalidRecordException {
        return FieldRules.text(n, field, MAX_TEXT);
    }

    /** ISO-8601 with an offset, or without one meaning UTC (how the source table stores it); years 1 to 9999. */
    static Instant createdAt(String v) throws InvalidRecordException {
        // what a lake reader can hold: Parquet timestamps in microseconds, dates as ISO years 1 to 9999
        return FieldRules.inRange("created_at", v, parseCreatedAt(v));
    }

    private static Instant parseCreatedAt(String v) throws InvalidRecordException {
        if (v == null || v.isBlank()) {
            throw new InvalidRecordException("null created_at");
        }
        try {
            return io.camelpipelines.common.IsoInstants.parse(v);
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(v.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new InvalidRecordException("created_at '" + v + "' is not a timestamp");
            }
        }
    }
}
