package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while an outside application keeps writing orders into its
 * PostgreSQL (and stays connected across the kills, as the source database of a capture would), then restarted
 * on the same data directory each time. Every order whose INSERT committed must be in the lake exactly once.
 */
class FoodOrdersCrashIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesWithAWriterConnectedEveryCommittedOrderIsInTheLakeOnce() throws Exception {
        int pgPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("food-orders-crash-it", Map.of(
                "postgres.embedded.port", String.valueOf(pgPort),
                // only the pipeline under test: the others' sources would only compete for the two cores
                "clickstream.enabled", "false",
                "crypto-prices.enabled", "false",
                "product-views.enabled", "false",
                "food-orders.simulator.enabled", "false",
                "food-orders.lake.roll-interval", "500",
                "food-orders.capture.commit-interval", "250"));
        String tag = "CRASH-" + UUID.randomUUID();
        OrderWriter writer = new OrderWriter("jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines", tag);
        try {
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            Thread t = new Thread(writer, "outside-writer");
            t.start();
            app.killAndRestart("food-orders crash test", KILLS, () -> writer.committed.size(), 300);
            writer.stop.set(true);
            t.join(60_000);
            Map<Long, BigDecimal> committed = new HashMap<>(writer.committed);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag).keySet().containsAll(committed.keySet()));
            Map<Long, Long> inLake = OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag);
            long doubled = inLake.values().stream().filter(n -> n > 1).count();
            long lost = committed.keySet().stream().filter(id -> !inLake.containsKey(id)).count();
            Set<Long> unknown = inLake.keySet().stream().filter(id -> !committed.containsKey(id)).collect(Collectors.toSet());
            System.out.printf("food-orders crash test: %d kills, %d orders committed by the writer (%d failed and were"
                    + " retried), %d in the lake, %d lost, %d doubled%n", KILLS, committed.size(), writer.failures.get(),
                    inLake.size(), lost, doubled);
            if (doubled > 0) {
                // which stage doubled: the same Kafka offset twice is the lake, two offsets is the capture
                LakeFiles.read(app.dataDir().resolve("lake/food/orders")).stream()
                        .filter(r -> r.restaurant().equals(tag) && inLake.get(r.orderId()) > 1)
                        .sorted(java.util.Comparator.comparingLong(LakeFiles.Row::orderId)).limit(40)
                        .forEach(r -> System.out.printf("doubled order %d (%s): partition %d offset %d in %s/%s%n",
                                r.orderId(), r.op(), r.partition(), r.offset(), r.date(), r.file()));
                System.out.println("doubled order ids: " + new java.util.TreeSet<>(inLake.entrySet().stream()
                        .filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList()));
            }
            assertThat(lost).as("orders lost").isZero();
            assertThat(doubled).as("orders doubled").isZero();
            // a commit whose acknowledgement the kill swallowed may be in the table and the lake: it must be in the table
            for (Long id : unknown) {
                assertThat(existsInTable(pgPort, id)).as("order " + id + " is in the lake but not in the table").isTrue();
            }
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            writer.stop.set(true);
            app.close();
        }
    }

    /**
     * A table with {@value #SNAPSHOT_ROWS} rows before the capture first starts; the jar is killed while Debezium reads
     * them (some already sent to Kafka), then restarted. Debezium cannot resume a snapshot, it reads the table again:
     * every row must still be in the lake once, and the changes made after the restart too.
     */
    @Test
    void killedInTheMiddleOfTheInitialSnapshotEveryRowIsInTheLakeOnce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(!"poll".equals(System.getProperty("app.food-orders.capture.mode")),
                "the initial snapshot is the log capture's");
        int pgPort = Ports.free("127.0.0.1");
        int kafkaPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("food-orders-snapshot-crash-it", Map.of(
                "postgres.embedded.port", String.valueOf(pgPort),
                "kafka.embedded.port", String.valueOf(kafkaPort),
                "clickstream.enabled", "false",
                "crypto-prices.enabled", "false",
                "product-views.enabled", "false",
                "food-orders.simulator.enabled", "false",
                // the first start only fills the table
                "food-orders.capture.enabled", "false",
                "food-orders.lake.roll-interval", "500",
                "food-orders.capture.commit-interval", "250"));
        String tag = "SNAPSHOT-" + UUID.randomUUID();
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines";
        try {
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            Map<Long, BigDecimal> expected = new HashMap<>();
            try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO orders (customer_name, restaurant_name, item,"
                         + " amount, order_status) SELECT 'Seed ' || g, ?, 'Paneer Tikka', 100 + g % 500 + 0.75, 'PLACED'"
                         + " FROM generate_series(1, ?) g RETURNING order_id, amount")) {
                ps.setString(1, tag);
                ps.setInt(2, SNAPSHOT_ROWS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expected.put(rs.getLong(1), rs.getBigDecimal(2));
                    }
                }
            }
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();

            app.set("food-orders.capture.enabled", "true");
            app.start(null);
            String bootstrap = "127.0.0.1:" + kafkaPort;
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() ->
                    sent.updateAndGet(n -> sentToTopic(bootstrap)) >= SNAPSHOT_ROWS / 4);
            app.kill();
            long sentAtKill = sent.get();
            System.out.printf("food-orders snapshot crash test: killed with %d of %d rows sent%n", sentAtKill, SNAPSHOT_ROWS);
            assertThat(sentAtKill).as("the kill came in the middle of the snapshot").isLessThan(SNAPSHOT_ROWS);

            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(5));
            OrderWriter after = new OrderWriter(url, tag);
            Thread t = new Thread(after, "outside-writer");
            t.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> after.committed.size() >= 200);
            after.stop.set(true);
            t.join(60_000);
            expected.putAll(after.committed);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag).keySet().containsAll(expected.keySet()));
            Map<Long, Long> inLake = OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag);
            long doubled = inLake.values().stream().filter(n -> n > 1).count();
            long lost = expected.keySet().stream().filter(id -> !inLake.containsKey(id)).count();
            System.out.printf("food-orders snapshot crash test: %d rows before the capture, %d after, %d in the lake,"
                    + " %d lost, %d doubled%n", SNAPSHOT_ROWS, after.committed.size(), inLake.size(), lost, doubled);
            assertThat(lost).as("orders lost").isZero();
            assertThat(doubled).as("orders doubled").isZero();
            assertThat(inLake.keySet()).as("only the orders written").isEqualTo(expected.keySet());
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
        }
    }

    private static final int SNAPSHOT_ROWS = 200_000;

    /** Records in food_orders_raw, those of a transaction still open included. */
    private static long sentToTopic(String bootstrap) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                "bootstrap.servers", bootstrap, "request.timeout.ms", 5000, "default.api.timeout.ms", 5000))) {
            var topic = admin.describeTopics(List.of("food_orders_raw")).allTopicNames().get().get("food_orders_raw");
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            topic.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition("food_orders_raw",
                    p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)).all().get().values().stream()
                    .mapToLong(o -> o.offset()).sum();
        } catch (java.util.concurrent.ExecutionException notYet) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static boolean existsInTable(int port, long id) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/pipelines", "pipelines",
                "pipelines"); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM orders WHERE order_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
