package io.camelpipelines.foodorders;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.TopicRecords;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile records written to food_orders_raw by another producer, between good ones: each hostile record lands
 * alone in food_orders_raw.dlq with a reason naming its field; the good ones, including those that only look
 * hostile (SQL in a string, unicode), reach the lake exactly as sent.
 */
class FoodOrdersPoisonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();
    private final String marker = UUID.randomUUID().toString().substring(0, 8);
    private final long firstId = 4_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

    private ObjectNode order(long id, String restaurant) {
        ObjectNode n = JSON.createObjectNode();
        n.put("order_id", id);
        n.put("customer_name", "c-" + marker);
        n.put("restaurant_name", restaurant);
        n.put("item", "soup");
        n.put("amount", new java.math.BigDecimal("12.50"));
        n.put("order_status", "PLACED");
        n.put("created_at", "2026-11-21T09:00:00Z");
        n.put("op", "c");
        return n;
    }

    @Test
    void eachHostileRecordGoesAloneToTheDeadLetterTopicNamingItsFieldAndTheGoodOnesReachTheLakeAsSent() throws Exception {
        String tag = "poison-" + marker;
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(order(1, tag).put("order_id", new java.math.BigInteger("99999999999999999999")).toString(),
                "order_id '99999999999999999999' is not a whole number");
        hostile.put(order(firstId + 10, tag).put("amount", new java.math.BigDecimal("1E+400")).toString(),
                "exceeds NUMERIC(10,2)");
        hostile.put(order(firstId + 11, tag).put("amount", "12.50").toString(), "amount '12.50' is not a number");
        hostile.put(order(firstId + 12, tag).put("created_at", "+300000-01-01T00:00:00Z").toString(),
                "created_at '+300000-01-01T00:00:00Z' is out of range");
        ObjectNode nested = order(firstId + 13, tag);
        nested.putObject("customer_name").put("first", "x");
        hostile.put(nested.toString(), "customer_name must be a string");
        hostile.put(order(firstId + 14, tag).put("order_status", "PLACED'; DROP TABLE food_orders; --").toString(),
                "order_status 'PLACED'; DROP TABLE food_orders; --' is not one of");
        hostile.put(order(firstId + 15, tag).put("op", "x").toString(), "op 'x' is not one of");
        hostile.put(order(firstId + 16, tag).putNull("amount").toString(), "null amount");
        hostile.put(order(firstId + 17, tag).put("item", "i".repeat(300)).toString(), "item longer than 255");
        hostile.put("{\"order_id\":" + (firstId + 18) + ",\"restaurant_name\":\"" + tag + "\"", "malformed JSON");

        Map<Long, String> good = new LinkedHashMap<>();  // order id -> restaurant as sent
        String[] restaurants = {tag + "/'); DROP TABLE food_orders; --", tag + "/Ünïcødé 😀 餐厅", tag + "/plain"};
        List<String> goodValues = new ArrayList<>();
        for (int i = 0; i < restaurants.length; i++) {
            good.put(firstId + i, restaurants[i]);
            goodValues.add(order(firstId + i, restaurants[i]).toString());
        }
        List<Map.Entry<String, String>> records = new ArrayList<>();
        List<String> hostileValues = new ArrayList<>(hostile.keySet());
        for (int i = 0; i < Math.max(goodValues.size(), hostileValues.size()); i++) {
            if (i < goodValues.size()) {
                records.add(Map.entry(marker, goodValues.get(i)));
            }
            if (i < hostileValues.size()) {
                records.add(Map.entry(marker, hostileValues.get(i)));
            }
        }
        String brokers = app.property("kafka.brokers");
        TopicRecords.send(brokers, app.property("food-orders.topic"), records);

        Path lake = app.dataDir().resolve("lake/food/orders");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                LakeFiles.read(lake).stream().filter(r -> r.restaurant().startsWith(tag)).count() >= good.size());
        List<LakeFiles.Row> rows = LakeFiles.read(lake).stream().filter(r -> r.restaurant().startsWith(tag)).toList();
        assertThat(rows).hasSize(good.size());
        rows.forEach(r -> assertThat(r.restaurant()).as("order " + r.orderId()).isEqualTo(good.get(r.orderId())));
        Map<String, TopicRecords.DeadLetter> letters = TopicRecords.deadLetters(brokers, app.property("food-orders.topic"),
                hostile.keySet(), Duration.ofSeconds(60));
        hostile.forEach((value, reason) -> assertThat(letters.get(value).reason()).as(value).contains(reason));
        System.out.printf("food-orders poison test: %d hostile records each in food_orders_raw.dlq with its field named,"
                + " %d good records in the lake as sent%n", hostile.size(), good.size());
    }
}
