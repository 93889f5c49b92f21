package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.SharedConnections;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** food-orders through real PostgreSQL and Kafka into real Parquet files, read back as a reader would. */
class FoodOrdersIT {

    private static RunningApplication app;
    private static DataSource db;
    private static Path lake;

    @BeforeAll
    static void start() {
        app = RunningApplication.get();
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        lake = app.dataDir().resolve("lake/food/orders");
    }

    /**
     * Inserts orders for restaurant {@code tag} in groups of 10 sharing one created_at (just after the
     * capture's watermark, as new rows are); every 9th has a negative amount. Returns id -> amount.
     */
    private static Map<Long, BigDecimal> insert(String tag, int n) throws Exception {
        Map<Long, BigDecimal> inserted = new HashMap<>();
        LocalDateTime base = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer_name, restaurant_name, item, amount, order_status, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?) RETURNING order_id")) {
            for (int i = 0; i < n; i++) {
                BigDecimal amount = new BigDecimal((i % 9 == 8 ? "-" : "") + (100 + i) + ".50");
                ps.setString(1, "Customer " + i);
                ps.setString(2, tag);
                ps.setString(3, "Veg Burger");
                ps.setBigDecimal(4, amount);
                ps.setString(5, "PLACED");
                ps.setTimestamp(6, Timestamp.valueOf(base.plusNanos((i / 10) * 1_000_000L)));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    inserted.put(rs.getLong(1), amount);
                }
            }
        }
        return inserted;
    }

    private static List<LakeFiles.Row> lakeRows(String tag) throws Exception {
        return LakeFiles.read(lake).stream().filter(r -> r.restaurant().equals(tag)).toList();
    }

    private static Map<Long, BigDecimal> good(Map<Long, BigDecimal> orders) {
        Map<Long, BigDecimal> good = new HashMap<>();
        orders.forEach((id, amount) -> {
            if (amount.signum() >= 0) {
                good.put(id, amount);
            }
        });
        return good;
    }

    private static void assertExactlyOnce(String tag, Map<Long, BigDecimal> expected) throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(lakeRows(tag)).extracting(LakeFiles.Row::orderId)
                        .containsExactlyInAnyOrderElementsOf(expected.keySet()));
        for (LakeFiles.Row r : lakeRows(tag)) {
            assertThat(r.amount()).isEqualByComparingTo(expected.get(r.orderId()));
            assertThat(r.date()).isEqualTo(java.time.LocalDate.ofInstant(
                    java.time.Instant.EPOCH.plus(r.createdAtMicros(), ChronoUnit.MICROS), ZoneOffset.UTC).toString());
        }
    }

    @Test
    void capturedOrdersReachTheLakeExactlyOnceIncludingTiesAndTheBadOnesReachTheDlq() throws Exception {
        String tag = "IT-" + UUID.randomUUID();
        Map<Long, BigDecimal> orders = insert(tag, 95);
        Map<Long, BigDecimal> good = good(orders);
        assertThat(good).hasSize(85);
        assertExactlyOnce(tag, good);

        Map<String, String> dlq = dlqReasons(orders.size() - good.size(), "negative amount");
        orders.forEach((id, amount) -> {
            if (amount.signum() < 0) {
                assertThat(dlq.get(id.toString())).isEqualTo("negative amount " + amount.toPlainString());
            }
        });
    }

    @Test
    void recordsFromASecondSourceArePartitionedByTheirDateAndThoseWithoutIdDeadLettered() throws Exception {
        String tag = "POS-" + UUID.randomUUID();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.property("kafka.brokers"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            String[] dates = {"2025-01-15T12:24:00Z", "2025-01-16T00:00:00Z", "2025-01-15T23:59:59.999Z"};
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("food_orders_raw", String.valueOf(900_000 + i), "{\"order_id\":"
                        + (900_000 + i) + ",\"restaurant_name\":\"" + tag + "\",\"amount\":220.0,\"order_status\":\"DELIVERED\","
                        + "\"created_at\":\"" + dates[i] + "\"}")).get();
            }
            producer.send(new ProducerRecord<>("food_orders_raw", null, "{\"order_id\":null,\"restaurant_name\":\"" + tag
                    + "\",\"amount\":220.0,\"order_status\":\"PLACED\",\"created_at\":\"2025-01-15T12:24:00Z\"}")).get();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> lakeRows(tag).size() == 3);
        assertThat(lakeRows(tag)).extracting(r -> r.orderId() + "@" + r.date()).containsExactlyInAnyOrder(
                "900000@2025-01-15", "900001@2025-01-16", "900002@2025-01-15");
        assertThat(dlqReasons(1, tag).values()).contains("null order_id");
    }

    @Test
    void stoppingAndStartingMidWayLosesAndRepeatsNothing() throws Exception {
        String tag = "RESTART-" + UUID.randomUUID();
        var routes = app.context().getRouteController();
        Map<Long, BigDecimal> all = new HashMap<>(insert(tag, 200));
        await().atMost(Duration.ofSeconds(60)).until(() -> !lakeRows(tag).isEmpty());
        routes.stopRoute("food-orders-capture");
        routes.stopRoute("food-orders-to-lake");
        all.putAll(insert(tag, 150));
        routes.startRoute("food-orders-to-lake");
        routes.startRoute("food-orders-capture");
        assertExactlyOnce(tag, good(all));
    }

    /** Reads food_orders_raw.dlq from the beginning until {@code n} dead letters containing {@code marker}: key or value -> reason. */
    private static Map<String, String> dlqReasons(int n, String marker) {
        Map<String, String> reasons = new HashMap<>();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, app.property("kafka.brokers"));
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> matched = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("food_orders_raw.dlq"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    String reason = new String(r.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8);
                    reasons.put(r.key() != null ? r.key() : r.value(), reason);
                    if (reason.contains(marker) || r.value().contains(marker)) {
                        matched.add(r.value());
                    }
                }
                return matched.size() >= n;
            });
        }
        return reasons;
    }
}
