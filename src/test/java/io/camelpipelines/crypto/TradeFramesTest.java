package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.IsoInstants;
import io.camelpipelines.common.RandomJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TradeFramesTest {

    private final TradeFrames frames = new TradeFrames(List.of("BTCUSDT", "ETHUSDT"), "binance-prices", null);

    @Test
    void binanceTradeFramesBecomeTicksWithNumbersForTheStrings() throws Exception {
        Tick t = frames.fromFrame("{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1697654321000,\"s\":\"BTCUSDT\","
                + "\"t\":12345,\"p\":\"43521.50\",\"q\":\"0.012\",\"T\":1697654320999,\"m\":true,\"M\":true}}");
        assertThat(t).isEqualTo(new Tick("BTCUSDT", new BigDecimal("43521.50"), 1697654320999L, "2023-10-18T18:38:41.000Z",
                new BigDecimal("0.012"), 12345));
    }

    @Test
    void theSimulatorSpeaksTheSameFormat() throws Exception {
        TradeSimulator sim = new TradeSimulator(List.of("BTCUSDT", "ETHUSDT"), 1_000);
        assertThat(sim.subscribeReply("{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@trade\"],\"id\":7}"))
                .isEqualTo("{\"result\":null,\"id\":7}");
        assertThat(sim.subscribeReply("hello")).isNull();
    }

    @Test
    void rejectsWhatIsNotAKnownTrade() {
        assertReason("{\"stream\":", "unparseable frame");
        assertReason("{\"stream\":\"x\"}", "no data object");
        assertReason("{\"data\":{\"e\":\"kline\"}}", "event type 'kline' is not trade");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"DOGEUSDT\"}}", "unknown symbol 'DOGEUSDT'");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"T\":1,\"E\":1,\"t\":1,\"p\":\"-1\",\"q\":\"1\"}}",
                "p '-1' is not a positive number");
        assertReason("{\"data\":{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"T\":\"soon\",\"E\":1,\"t\":1,\"p\":\"1\",\"q\":\"1\"}}",
                "T must be a whole number");
        // Jackson throws a NumberFormatException of its own for this one, unwrapped
        assertReason("{\"data\":{\"e\":\"trade\",\"p\":1E3456789012}}", "unparseable frame");
    }

    private void assertReason(String frame, String reason) {
        assertThatThrownBy(() -> frames.fromFrame(frame)).isInstanceOf(InvalidRecordException.class).hasMessageContaining(reason);
    }

    @Test
    void readsEveryTickFromKafkaAsATreeReaderDoes() {
        Random random = new Random(17);
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            String json = randomTick(random);
            Object expected = RandomJson.outcome(() -> TreeReference.parse(json.getBytes(StandardCharsets.UTF_8)));
            Object actual = RandomJson.outcome(() -> frames.parse(json.getBytes(StandardCharsets.UTF_8)));
            assertThat(actual).as(json).isEqualTo(expected);
            valid += expected instanceof Tick ? 1 : 0;
        }
        // both outcomes are exercised
        assertThat(valid).isBetween(2_000, 18_000);
        assertThatThrownBy(() -> frames.parse("{\"symbol\":".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> frames.parse("[1]".getBytes(StandardCharsets.UTF_8))).hasMessage("not a JSON object");
    }

    private static final String[] FIELDS = {"symbol", "price", "timestamp", "event_time", "volume", "trade_id", "extra"};

    /** Mostly well-formed ticks, each field now and then of another type, repeated or missing. */
    private static String randomTick(Random r) {
        return RandomJson.object(r, FIELDS, 60, 40, 25, TradeFramesTest::usual);
    }

    private static String usual(String field, Random r) {
        return switch (field) {
            case "symbol" -> r.nextInt(50) == 0 ? "\"DOGEUSDT\"" : r.nextBoolean() ? "\"BTCUSDT\"" : "\"ETHUSDT\"";
            case "price", "volume" -> switch (r.nextInt(6)) {
                case 0 -> "\"" + r.nextInt(100_000) + "." + r.nextInt(100) + "\"";
                case 1 -> Integer.toString(r.nextInt(100_000) - 10);
                case 2 -> "0.000000001";
                default -> r.nextInt(100_000) + "." + r.nextInt(1000) + "0";
            };
            case "timestamp", "trade_id" -> Long.toString(1_600_000_000_000L + r.nextInt(100_000_000));
            case "event_time" -> r.nextInt(20) == 0 ? "\"+300000-01-01T00:00:00Z\""
                    : "\"" + Instant.ofEpochMilli(1_600_000_000_000L + r.nextInt(100_000_000)) + "\"";
            default -> "\"" + field + "\"";
        };
    }

    /** How ticks from Kafka were read over a Jackson tree before they streamed: the reference they must agree with. */
    private static final class TreeReference {

        static final Set<String> SYMBOLS = new java.util.LinkedHashSet<>(List.of("BTCUSDT", "ETHUSDT"));

        static Tick parse(byte[] value) throws InvalidRecordException {
            JsonNode n = RandomJson.objectTree(value);
            String symbol = n.path("symbol").asText(null);
            if (symbol == null || !SYMBOLS.contains(symbol)) {
                throw new InvalidRecordException("unknown symbol '" + symbol + "' (crypto-prices.symbols: " + SYMBOLS + ")");
            }
            return new Tick(symbol, FieldRules.numeric("price", positive(n, "price"), 24, 8), whole(n, "timestamp"),
                    eventTime(n), FieldRules.numeric("volume", positive(n, "volume"), 28, 8), whole(n, "trade_id"));
        }

        static String eventTime(JsonNode n) throws InvalidRecordException {
            String v = FieldRules.text(n, "event_time", 64);
            if (v == null) {
                return null;
            }
            try {
                FieldRules.inRange("event_time", v, IsoInstants.parse(v));
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidRecordException("event_time '" + v + "' is not ISO-8601 with an offset");
            }
            return v;
        }

        static long whole(JsonNode n, String field) throws InvalidRecordException {
            JsonNode v = n.get(field);
            if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
                throw new InvalidRecordException(field + " must be a whole number, not '" + (v == null ? null : v.asText()) + "'");
            }
            return v.asLong();
        }

        static BigDecimal positive(JsonNode n, String field) throws InvalidRecordException {
            JsonNode v = n.get(field);
            BigDecimal d;
            try {
                d = v == null || v.isNull() ? null : v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
            } catch (NumberFormatException e) {
                d = null;
            }
            if (d == null || d.signum() <= 0) {
                throw new InvalidRecordException(field + " '" + (v == null ? null : v.asText()) + "' is not a positive number");
            }
            return d;
        }
    }

    @Test
    void intervalsNameTheirTables() {
        assertThat(CandleInterval.parseAll("1m, 5m,15m,1h,1d")).extracting(CandleInterval::table).containsExactly(
                "aggregated_prices_1min", "aggregated_prices_5min", "aggregated_prices_15min", "aggregated_prices_1h",
                "aggregated_prices_1d");
        assertThat(CandleInterval.parse("15m").millis()).isEqualTo(900_000);
        assertThatThrownBy(() -> CandleInterval.parse("5s")).hasMessageContaining("must look like 1m");
    }
}
