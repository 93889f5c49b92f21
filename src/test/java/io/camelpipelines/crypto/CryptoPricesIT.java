package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * crypto-prices through a real WebSocket (the simulator's endpoint, fed with known trades), Kafka and
 * PostgreSQL: candles compared with an independent computation, late trades, replays, rebuilds, a
 * dropped connection, and bad frames.
 */
class CryptoPricesIT {

    private static final AtomicLong TRADE_IDS = new AtomicLong(System.nanoTime());
    private static RunningApplication app;
    private static DataSource db;
    private static BinanceStreamServer server;

    @BeforeAll
    static void start() throws Exception {
        app = RunningApplication.get();
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        server = app.bean("binanceStreamServer", BinanceStreamServer.class);
        // known trades only: the random walk would share the symbols (not the windows, which are in 2020)
        app.context().getRouteController().stopRoute("crypto-prices-simulator");
        await().atMost(Duration.ofSeconds(30)).until(() -> server.clients() >= 1);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreSimulator() throws Exception {
        // a stopped route is DOWN in the health check: leave the application as it was found
        app.context().getRouteController().startRoute("crypto-prices-simulator");
    }

    /** n trades of a symbol spread over [start, start + minutes), sent in shuffled order. */
    private static List<Trade> trades(String symbol, Instant start, int minutes, int n, long seed) {
        Random r = new Random(seed);
        List<Trade> trades = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            trades.add(new Trade(symbol, BigDecimal.valueOf(40_000 + r.nextInt(2_000_000) / 100.0).setScale(2, RoundingMode.HALF_UP),
                    BigDecimal.valueOf(1 + r.nextInt(100_000), 5), start.toEpochMilli() + r.nextInt(minutes * 60_000),
                    TRADE_IDS.incrementAndGet()));
        }
        Collections.shuffle(trades, r);
        return trades;
    }

    private static void send(List<Trade> trades) {
        server.broadcast(trades.stream().map(Trade::frame).toList());
    }

    private static Map<Long, List<BigDecimal>> stored(String table, String symbol, Instant from, Instant to) throws Exception {
        try (Connection c = db.getConnection()) {
            return IndependentCandles.stored(c, table, symbol, from, to);
        }
    }

    private static long ticks(String symbol, long fromMs, long toMs) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM stock.real_time_prices WHERE symbol = ? AND \"timestamp\" >= ? AND \"timestamp\" < ?")) {
            ps.setString(1, symbol);
            ps.setLong(2, fromMs);
            ps.setLong(3, toMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void candlesEqualAnIndependentComputationThroughLateTradesReplaysAndRebuilds() throws Exception {
        Instant start = Instant.parse("2020-03-12T10:00:00Z");
        Instant end = start.plus(Duration.ofMinutes(10));
        List<Trade> trades = new ArrayList<>(trades("BTCUSDT", start, 10, 400, 1));
        send(trades);
        await().atMost(Duration.ofSeconds(60)).until(() -> ticks("BTCUSDT", start.toEpochMilli(), end.toEpochMilli()) == 400);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(stored("aggregated_prices_1min", "BTCUSDT", start, end)).isEqualTo(IndependentCandles.expected(trades, 60_000));
            assertThat(stored("aggregated_prices_5min", "BTCUSDT", start, end)).isEqualTo(IndependentCandles.expected(trades, 300_000));
        });

        // a late trade, earlier than every other in the first minute, becomes that window's open
        Trade late = new Trade("BTCUSDT", new BigDecimal("39000.01"), new BigDecimal("0.5"), start.toEpochMilli(),
                TRADE_IDS.incrementAndGet());
        trades.add(late);
        send(List.of(late));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(stored("aggregated_prices_1min", "BTCUSDT", start, end)).isEqualTo(IndependentCandles.expected(trades, 60_000)));
        Map<Long, List<BigDecimal>> oneMinute = stored("aggregated_prices_1min", "BTCUSDT", start, end);
        assertThat(oneMinute.get(start.toEpochMilli()).get(0)).isEqualByComparingTo("39000.01");

        // replaying every trade changes nothing: the replay, then one new trade in a later window on the same
        // partition (key = symbol); once that one is a row and has its candle, the replay has been through the sink
        // and the candle job
        send(trades);
        Instant after = end.plus(Duration.ofMinutes(1));
        send(List.of(new Trade("BTCUSDT", new BigDecimal("41000.00"), new BigDecimal("0.1"), after.toEpochMilli(),
                TRADE_IDS.incrementAndGet())));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !stored("aggregated_prices_1min", "BTCUSDT", after, after.plus(Duration.ofMinutes(1))).isEmpty());
        assertThat(ticks("BTCUSDT", start.toEpochMilli(), end.toEpochMilli())).isEqualTo(401);
        assertThat(stored("aggregated_prices_1min", "BTCUSDT", start, end)).isEqualTo(oneMinute);

        // a rebuild from the ticks gives exactly what live aggregation gave
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            st.execute("DELETE FROM stock.aggregated_prices_1min WHERE symbol = 'BTCUSDT' AND window_start >= '2020-03-12T10:00:00Z'"
                    + " AND window_start < '2020-03-12T10:10:00Z'");
        }
        var rebuilt = app.post("/api/candles/rebuild?from=" + start + "&to=" + end, "");
        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(200);
        assertThat(stored("aggregated_prices_1min", "BTCUSDT", start, end)).isEqualTo(oneMinute);
    }

    @Test
    void afterTheSocketDropsEverythingSentAfterTheReconnectArrives() throws Exception {
        Instant start = Instant.parse("2020-04-01T08:00:00Z");
        server.dropConnections();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.clients() >= 1);
        List<Trade> trades = trades("ETHUSDT", start, 3, 300, 2);
        send(trades);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                ticks("ETHUSDT", start.toEpochMilli(), start.plusSeconds(180).toEpochMilli()) == 300);
    }

    @Test
    void badFramesGoToTheDeadLetterTopicWithTheirReason() throws Exception {
        String marker = UUID.randomUUID().toString();
        Map<String, String> bad = Map.of(
                "{\"stream\": not json " + marker, "unparseable frame",
                "{\"stream\":\"dogeusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"DOGEUSDT\",\"t\":1,\"p\":\"0.1\",\"q\":\"1\",\"T\":1,\"m\":true},\"x\":\"" + marker + "\"}", "unknown symbol 'DOGEUSDT'",
                "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"abc\",\"q\":\"1\",\"T\":1,\"m\":true},\"x\":\"" + marker + "\"}", "p 'abc' is not a positive number",
                "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"s\":\"BTCUSDT\"},\"x\":\"" + marker + "\"}", "event type 'aggTrade' is not trade");
        server.broadcast(new ArrayList<>(bad.keySet()));

        Map<String, io.camelpipelines.TopicRecords.DeadLetter> letters = io.camelpipelines.TopicRecords.deadLetters(
                app.property("kafka.brokers"), "binance-prices", bad.keySet(), Duration.ofSeconds(30));
        bad.forEach((frame, reason) -> assertThat(letters.get(frame).reason()).contains(reason));
        assertThat(app.context().getRouteController().getRouteStatus("crypto-prices-ingest").isStarted()).isTrue();
    }

    @Test
    void theApiAnswersJsonAndABadRequestIsA400WithTheReason() throws Exception {
        var ok = app.get("/api/candles?symbol=BTCUSDT&interval=1m&limit=2");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(app.get("/api/markets").headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        Map<String, String> bad = Map.of(
                "/api/candles?symbol=BTCUSDT&limit=abc", "limit 'abc' is not a whole number",
                "/api/candles", "symbol is required",
                "/api/candles?symbol=BTCUSDT&interval=7m", "interval '7m' is not one of");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            var r = app.get(e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("error").asText())
                    .as(e.getKey()).contains(e.getValue());
        }
        var rebuild = app.post("/api/candles/rebuild?from=yesterday&to=2020-01-01T00:00:00Z", "");
        assertThat(rebuild.statusCode()).as(rebuild.body()).isEqualTo(400);
        assertThat(rebuild.body()).contains("yesterday");
    }
}
