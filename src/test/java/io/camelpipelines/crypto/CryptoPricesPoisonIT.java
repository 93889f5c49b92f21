package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile ticks written to binance-prices by another producer, between good ones: each hostile tick lands alone in
 * binance-prices.dlq with a reason naming its field; the good ones are stored, a tick sent twice once.
 */
class CryptoPricesPoisonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();
    // trade ids no other test uses, in a year no other test uses (candles are per time window)
    private final long firstId = 7_000_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
    private static final long TIME = 1_546_300_800_000L;  // 2019-01-01T00:00:00Z

    private ObjectNode tick(long id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("symbol", "ETHUSDT");
        n.put("price", new BigDecimal("130.25"));
        n.put("timestamp", TIME + id % 1000);
        n.put("event_time", "2019-01-01T00:00:01.000Z");
        n.put("volume", new BigDecimal("0.5"));
        n.put("trade_id", id);
        return n;
    }

    @Test
    void eachHostileTickGoesAloneToTheDeadLetterTopicNamingItsFieldAndTheGoodOnesAreStoredOnce() throws Exception {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(tick(firstId + 10).put("price", new BigDecimal("1E+20")).toString(), "price 100000000000000000000 exceeds NUMERIC(24,8)");
        hostile.put(tick(firstId + 11).put("volume", -1).toString(), "volume '-1' is not a positive number");
        hostile.put(tick(firstId + 12).put("trade_id", "abc").toString(), "trade_id must be a whole number");
        hostile.put(tick(firstId + 13).put("trade_id", new BigDecimal("1E+30")).toString(), "trade_id must be a whole number");
        ObjectNode nested = tick(firstId + 14);
        nested.putObject("symbol").put("s", "ETHUSDT");
        hostile.put(nested.toString(), "unknown symbol");
        hostile.put(tick(firstId + 15).put("event_time", "2019-13-45T99:00:00Z").toString(),
                "event_time '2019-13-45T99:00:00Z' is not ISO-8601");
        hostile.put(tick(firstId + 16).put("event_time", "+300000-01-01T00:00:00Z").toString(),
                "event_time '+300000-01-01T00:00:00Z' is out of range");
        hostile.put(tick(firstId + 17).put("timestamp", "soon").toString(), "timestamp must be a whole number");
        hostile.put(tick(firstId + 18).put("price", "1.5'; DROP TABLE stock.real_time_prices; --").toString(),
                "price '1.5'; DROP TABLE stock.real_time_prices; --' is not a positive number");
        hostile.put("{\"symbol\":\"ETHUSDT\",\"trade_id\":" + (firstId + 19), "malformed JSON");
        // a decimal BigDecimal cannot hold: Jackson throws a NumberFormatException of its own, which failed the batch
        hostile.put("{\"symbol\":\"ETHUSDT\",\"price\":1E3456789012,\"trade_id\":" + (firstId + 20) + "}", "malformed JSON");

        List<String> good = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            good.add(tick(firstId + i).toString());
        }
        List<Map.Entry<String, String>> records = new ArrayList<>();
        List<String> hostileValues = new ArrayList<>(hostile.keySet());
        for (int i = 0; i < hostileValues.size(); i++) {
            if (i < good.size()) {
                records.add(Map.entry("ETHUSDT", good.get(i)));
            }
            records.add(Map.entry("ETHUSDT", hostileValues.get(i)));
        }
        records.add(Map.entry("ETHUSDT", good.get(0)));
        String brokers = app.property("kafka.brokers");
        TopicRecords.send(brokers, app.property("crypto-prices.topic"), records);

        await().atMost(Duration.ofSeconds(60)).until(() -> stored().size() == good.size());
        Map<Long, Integer> stored = stored();
        for (int i = 0; i < good.size(); i++) {
            assertThat(stored.get(firstId + i)).as("rows of trade " + (firstId + i)).isEqualTo(1);
        }
        Map<String, TopicRecords.DeadLetter> letters = TopicRecords.deadLetters(brokers, app.property("crypto-prices.topic"),
                hostile.keySet(), Duration.ofSeconds(60));
        hostile.forEach((value, reason) -> assertThat(letters.get(value).reason()).as(value).contains(reason));
        System.out.printf("crypto-prices poison test: %d hostile ticks each in binance-prices.dlq with its field named,"
                + " %d good ticks stored once (one of them sent twice)%n", hostile.size(), good.size());
    }

    /** trade id -> rows, for this test's trade ids. */
    private Map<Long, Integer> stored() throws Exception {
        Map<Long, Integer> rows = new HashMap<>();
        try (Connection c = app.bean(SharedConnections.DATA_SOURCE, DataSource.class).getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT trade_id FROM stock.real_time_prices WHERE symbol = 'ETHUSDT'"
                     + " AND trade_id BETWEEN ? AND ?")) {
            ps.setLong(1, firstId);
            ps.setLong(2, firstId + 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.merge(rs.getLong(1), 1, Integer::sum);
                }
            }
        }
        return rows;
    }
}
