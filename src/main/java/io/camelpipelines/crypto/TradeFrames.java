package io.camelpipelines.crypto;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.common.DeadLetter;
import io.camelpipelines.common.DeadLetterPublisher;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.FlatJsonObject;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.RecordParser;
import org.apache.camel.Exchange;

/**
 * Binance combined-stream trade frames ({"stream":"btcusdt@trade","data":{"e":"trade","s":…,"t":…,"p":"…",
 * "q":"…","T":…,"E":…,"m":…}}) into ticks; also validates ticks read back from Kafka. Unparseable frames,
 * other event types, unknown symbols and non-numeric or non-positive prices are rejected with a reason.
 */
public class TradeFrames implements RecordParser<Tick> {

    private static final ObjectMapper JSON = io.camelpipelines.common.Json.DECIMALS;

    // always with milliseconds, as in the topic's contract: 2023-10-18T18:38:41.000Z
    private static final java.time.format.DateTimeFormatter EVENT_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final Set<String> symbols;
    private final String topic;
    private final DeadLetterPublisher deadLetters;

    public TradeFrames(List<String> symbols, String topic, DeadLetterPublisher deadLetters) {
        // in the configured order, so that a refusal lists them as the configuration does
        this.symbols = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(symbols));
        this.topic = topic;
        this.deadLetters = deadLetters;
    }

    /** A WebSocket frame into a tick, or InvalidRecordException with the reason. */
    public Tick fromFrame(String frame) throws InvalidRecordException {
        JsonNode root = read(frame.getBytes(StandardCharsets.UTF_8));
        JsonNode d = root.path("data");
        if (!d.isObject()) {
            throw new InvalidRecordException("no data object in frame");
        }
        if (!"trade".equals(d.path("e").asText())) {
            throw new InvalidRecordException("event type '" + d.path("e").asText() + "' is not trade");
        }
        String symbol = symbol(d.path("s").asText(null));
        long tradeTime = whole(d, "T");
        return new Tick(symbol, FieldRules.numeric("p", positive(d, "p"), 24, 8), tradeTime,
                EVENT_TIME.format(FieldRules.inRange("E", d.path("E").asText(), Instant.ofEpochMilli(whole(d, "E")))),
                FieldRules.numeric("q", positive(d, "q"), 28, 8), whole(d, "t"));
    }

    /**
     * A tick read back from Kafka (the topic may have other producers): same rules, read with the streaming reader,
     * as the other pipelines' Kafka records are (a tree per tick was a third of the sink's consumer thread).
     */
    @Override
    public Tick parse(byte[] value) throws InvalidRecordException {
        FlatJsonObject n = FlatJsonObject.parse(value);
        return new Tick(symbol(n.isMissing("symbol") ? null : n.asText("symbol")),
                FieldRules.numeric("price", positive(n, "price"), 24, 8), whole(n, "timestamp"), eventTime(n),
                FieldRules.numeric("volume", positive(n, "volume"), 28, 8), whole(n, "trade_id"));
    }

    /** The frame of a failed exchange to binance-prices.dlq, with the reason. */
    public void reject(Exchange exchange) throws Exception {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        deadLetters.publish("crypto-prices", List.of(new DeadLetter(topic, null,
                exchange.getMessage().getBody(String.class).getBytes(StandardCharsets.UTF_8),
                e == null ? "rejected" : e.getMessage(), exchange.getFromRouteId(), "websocket")));
    }

    /** event_time, when there is one: ISO-8601 with an offset, years 1 to 9999 (a TIMESTAMPTZ column). */
    private static String eventTime(FlatJsonObject n) throws InvalidRecordException {
        String v = n.text("event_time", 64);
        if (v == null) {
            return null;
        }
        try {
            FieldRules.inRange("event_time", v, io.camelpipelines.common.IsoInstants.parse(v));
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidRecordException("event_time '" + v + "' is not ISO-8601 with an offset");
        }
        return v;
    }

    private String symbol(String s) throws InvalidRecordException {
        if (s == null || !symbols.contains(s)) {
            throw new InvalidRecordException("unknown symbol '" + s + "' (crypto-prices.symbols: " + symbols + ")");
        }
        return s;
    }

    private static JsonNode read(byte[] value) throws InvalidRecordException {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                throw new InvalidRecordException("not a JSON object");
            }
            return n;
        } catch (IOException | NumberFormatException e) {
            // NumberFormatException: a decimal BigDecimal cannot hold (1E3456789012), which Jackson throws unwrapped
            throw new InvalidRecordException("unparseable frame: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static long whole(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new InvalidRecordException(field + " must be a whole number, not '" + (v == null ? null : v.asText()) + "'");
        }
        return v.asLong();
    }

    // Jackson reads a whole number too big for a long as a BigInteger
    private static long whole(FlatJsonObject n, String field) throws InvalidRecordException {
        Object v = n.value(field);
        if (!(v instanceof Integer || v instanceof Long)) {
            throw new InvalidRecordException(field + " must be a whole number, not '"
                    + (n.typeName(field).equals("missing") ? null : n.asText(field)) + "'");
        }
        return ((Number) v).longValue();
    }

    // Binance sends prices and quantities as strings; the normalized ticks carry numbers
    private static BigDecimal positive(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        BigDecimal d;
        try {
            d = v == null || v.isNull() ? null : v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            d = null;
        }
        return positive(field, d, () -> v == null ? null : v.asText());
    }

    private static BigDecimal positive(FlatJsonObject n, String field) throws InvalidRecordException {
        Object v = n.value(field);
        BigDecimal d;
        try {
            d = n.isMissing(field) ? null
                    : v instanceof BigDecimal b ? b
                    : v instanceof BigInteger i ? new BigDecimal(i)
                    : v instanceof Number whole ? BigDecimal.valueOf(whole.longValue())
                    : new BigDecimal(n.asText(field));
        } catch (NumberFormatException e) {
            d = null;
        }
        return positive(field, d, () -> n.typeName(field).equals("missing") ? null : n.asText(field));
    }

    // the field's text only for the error: a valid tick's number is not turned back into text
    private static BigDecimal positive(String field, BigDecimal d, java.util.function.Supplier<String> text)
            throws InvalidRecordException {
        if (d == null || d.signum() <= 0) {
            throw new InvalidRecordException(field + " '" + text.get() + "' is not a positive number");
        }
        return d;
    }
}
