package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while its simulated Binance stream delivers trades, restarted on
 * the same data directory each time, then once more without the simulator to let the sink catch up. Every tick that
 * reached the topic must be exactly one row of stock.real_time_prices, and every candle must equal an OHLC
 * computation done here from those rows. A WebSocket cannot be replayed: frames in flight at a kill are gone with
 * the process that generated them, which is why the topic, not the generator, is the reference.
 */
class CryptoPricesCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesUnderLoadEveryTickInKafkaIsOneRowAndCandlesEqualTheRows() throws Exception {
        int pgPort = Ports.free("127.0.0.1");
        int kafkaPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("crypto-prices-crash-it", Map.of(
                "postgres.embedded.port", String.valueOf(pgPort),
                "kafka.embedded.port", String.valueOf(kafkaPort),
                // only the pipeline under test
                "food-orders.enabled", "false",
                "product-views.enabled", "false",
                "clickstream.enabled", "false",
                "crypto-prices.simulator.rate", "400",
                "crypto-prices.candles.period", "1000"));
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines";
        try {
            Instant started = Instant.now().minus(Duration.ofMinutes(1));
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            app.killAndRestart("crypto-prices crash test", KILLS, () -> (int) count(url), 2_000);
            // the last run without the simulator: what is in the topic now is all there will be (its health stays
            // DOWN: the WebSocket source is gone, so the sink and the candle job are waited for instead)
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
            app.set("crypto-prices.simulator.enabled", "false");
            app.start(null);
            app.awaitRoutesStarted(Duration.ofMinutes(3), "crypto-prices-to-postgres", "crypto-prices-candles");

            Map<String, Integer> inKafka = ticksInTopic("127.0.0.1:" + kafkaPort, "binance-prices");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(url) >= inKafka.size());
            List<Trade> rows = rows(url);
            Set<String> stored = new HashSet<>();
            rows.forEach(t -> stored.add(t.symbol() + "/" + t.id()));
            long lost = inKafka.keySet().stream().filter(k -> !stored.contains(k)).count();
            long unknown = stored.stream().filter(k -> !inKafka.containsKey(k)).count();
            long doubledInKafka = inKafka.values().stream().filter(n -> n > 1).count();
            long doubledRows = rows.size() - stored.size();

            Instant to = Instant.now().plus(Duration.ofMinutes(5));
            Map<String, Map<Long, List<BigDecimal>>> expected = new HashMap<>();
            for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
                expected.put(symbol, IndependentCandles.expected(rows.stream().filter(t -> t.symbol().equals(symbol))
                        .toList(), 60_000));
            }
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines")) {
                    for (String symbol : expected.keySet()) {
                        assertThat(IndependentCandles.stored(c, "aggregated_prices_1min", symbol, started, to))
                                .as("1m candles of " + symbol).isEqualTo(expected.get(symbol));
                    }
                }
            });
            long candles = expected.values().stream().mapToLong(Map::size).sum();
            System.out.printf("crypto-prices crash test: %d kills, %d ticks in binance-prices (%d with a duplicate),"
                    + " %d rows, %d lost, %d doubled, %d not from the topic, %d one-minute candles equal to the rows%n",
                    KILLS, inKafka.size(), doubledInKafka, rows.size(), lost, doubledRows, unknown, candles);
            assertThat(lost).as("ticks in Kafka missing from the table").isZero();
            assertThat(doubledRows).as("ticks stored twice").isZero();
            assertThat(unknown).as("rows that never were in the topic").isZero();
            assertThat(rows.size()).as("ticks stored").isGreaterThanOrEqualTo(2_000 * (KILLS + 1));
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
        }
    }

    private static long count(String url) {
        try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM stock.real_time_prices")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException notUpYet) {
            return 0;
        }
    }

    private static List<Trade> rows(String url) throws Exception {
        List<Trade> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT symbol, price, volume, \"timestamp\", trade_id FROM stock.real_time_prices")) {
            while (rs.next()) {
                rows.add(new Trade(rs.getString(1), rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getLong(4), rs.getLong(5)));
            }
        }
        return rows;
    }

    /** Every committed record of the topic, as "symbol/trade_id" -> how many times it is there. */
    private static Map<String, Integer> ticksInTopic(String brokers, String topic) {
        return TopicRecords.countAll(brokers, topic, Map.of(), value -> {
            try {
                JsonNode tick = JSON.readTree(value);
                return tick.path("symbol").asText() + "/" + tick.path("trade_id").asLong();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
