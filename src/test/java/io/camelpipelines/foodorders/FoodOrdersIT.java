package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * food-orders through real PostgreSQL and Kafka into real Parquet files, read back as a reader would. Runs twice
 * (see pom.xml): capture mode log in UTC, and capture mode poll in a JVM whose zone has daylight saving
 * (America/New_York); the tests that only the log can pass are skipped in poll mode.
 */
class FoodOrdersIT {

    private static RunningApplication app;
    private static DataSource db;
    private static Path lake;
    private static String mode;

    @BeforeAll
    static void start() {
        app = RunningApplication.get();
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        lake = app.dataDir().resolve("lake/food/orders");
        mode = app.property("food-orders.capture.mode");
        System.out.printf("FoodOrdersIT: capture mode %s, JVM time zone %s%n", mode, java.util.TimeZone.getDefault().getID());
    }

    private static String captureRoute() {
        return "food-orders-capture-" + mode;
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
                ps.setObject(6, base.plusNanos((i / 10) * 1_000_000L));
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
            assertThat(r.op()).isEqualTo("c");
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

        // this test's dead letters only: their values carry its tag
        Map<String, String> dlq = new HashMap<>();
        dlqOf(tag, orders.size() - good.size()).forEach(l -> dlq.put(l.key(), l.reason()));
        Map<String, String> expected = new HashMap<>();
        orders.forEach((id, amount) -> {
            if (amount.signum() < 0) {
                expected.put(id.toString(), "negative amount " + amount.toPlainString());
            }
        });
        assertThat(dlq).isEqualTo(expected);
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
        assertThat(dlqOf(tag, 1)).extracting(io.camelpipelines.TopicRecords.DeadLetter::reason).containsExactly("null order_id");
    }

    @Test
    void stoppingAndStartingMidWayLosesAndRepeatsNothing() throws Exception {
        String tag = "RESTART-" + UUID.randomUUID();
        var routes = app.context().getRouteController();
        Map<Long, BigDecimal> all = new HashMap<>(insert(tag, 200));
        await().atMost(Duration.ofSeconds(60)).until(() -> !lakeRows(tag).isEmpty());
        routes.stopRoute(captureRoute());
        routes.stopRoute("food-orders-to-lake");
        all.putAll(insert(tag, 150));
        routes.startRoute("food-orders-to-lake");
        routes.startRoute(captureRoute());
        assertExactlyOnce(tag, good(all));
    }

    /**
     * A capture stopped while Debezium is starting its task is really stopped: Debezium refuses to close an engine
     * then, and without {@link CaptureEngineStop} the engine went on after the route was reported stopped, holding
     * its slot and publishing. A route of the test's own, with a slot of its own, so that its task creates the slot:
     * creating a logical slot waits for the write transactions already open, so an open one holds the task in its
     * start. (The capture's own slot cannot be dropped for this: Debezium will not resume stored offsets without it.)
     */
    @Test
    void aCaptureStoppedWhileItsTaskStartsIsClosedOnceTheTaskHasStarted() throws Exception {
        Assumptions.assumeTrue(mode.equals("log"), "the publication is created in log mode");
        assertThat(app.context().getRoute("food-orders-capture-log").getRoutePolicyList())
                .hasAtLeastOneElementOfType(CaptureEngineStop.class);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String slot = "stop_test_" + suffix;
        String route = "stop-test-" + suffix;
        String tag = "STOP-TEST-" + suffix;
        org.apache.camel.impl.DefaultCamelContext scratch = new org.apache.camel.impl.DefaultCamelContext();
        scratch.getRegistry().bind("meters", new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        CaptureEngineStop policy = new CaptureEngineStop("stop-test", new io.camelpipelines.common.PipelineMetrics(scratch),
                Duration.ofSeconds(60));
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        app.context().addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("debezium-postgres:" + route + "?databaseHostname={{food-orders.capture.database.hostname}}"
                        + "&databasePort={{food-orders.capture.database.port}}&databaseDbname={{food-orders.capture.database.dbname}}"
                        + "&databaseUser={{postgres.user}}&databasePassword=RAW({{postgres.password}})&topicPrefix=" + route
                        + "&pluginName=pgoutput&slotName=" + slot + "&publicationName={{food-orders.capture.publication}}"
                        + "&publicationAutocreateMode=disabled&tableIncludeList=public.orders&snapshotMode=no_data"
                        + "&offsetStorage=org.apache.kafka.connect.storage.MemoryOffsetBackingStore")
                        .routeId(route).autoStartup(false).routePolicy(policy)
                        .process(e -> {
                            if (e.getMessage().getBody() instanceof org.apache.kafka.connect.data.Struct row
                                    && tag.equals(row.get("restaurant_name"))) {
                                changes.incrementAndGet();
                            }
                        });
            }
        });
        var routes = app.context().getRouteController();
        String active = "SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active";
        try {
            java.util.concurrent.CompletableFuture<Void> stop;
            try (Connection held = db.getConnection(); Statement st = held.createStatement()) {
                held.setAutoCommit(false);
                st.execute("SELECT pg_current_xact_id()");
                routes.startRoute(route);
                await().atMost(Duration.ofSeconds(60)).until(() -> !query("SELECT pid FROM pg_stat_activity"
                        + " WHERE query LIKE 'CREATE_REPLICATION_SLOT%" + slot + "%'").isEmpty());
                stop = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        routes.stopRoute(route);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // Debezium refused to close the engine: the stop waits for the task
                await().atMost(Duration.ofSeconds(60)).until(() -> policy.deferredStops() == 1);
                held.rollback();
            }
            stop.get(90, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(routes.getRouteStatus(route)).isEqualTo(org.apache.camel.ServiceStatus.Stopped);
            // a leaked engine would now stream from its slot and see these
            insertNow(tag, 5);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> query(active).isEmpty());
            assertThat(changes).hasValue(0);

            // started again, one engine streams from the slot: the changes made while it was stopped, then the new ones
            routes.startRoute(route);
            await().atMost(Duration.ofSeconds(60)).until(() -> query(active).size() == 1);
            insertNow(tag, 5);
            await().atMost(Duration.ofSeconds(60)).until(() -> changes.get() == 10);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> changes.get() == 10);
        } finally {
            routes.stopRoute(route);
            app.context().removeRoute(route);
            // (an engine that leaked still holds it: dropping it would fail and hide why the test failed)
            query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND NOT active");
        }
    }

    /** The first column of every row. */
    private static List<String> query(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** A transaction that commits late, while later ones commit, loses nothing: the seeds' capture lost it. */
    @Test
    void anOrderWhoseTransactionCommitsLateIsCapturedOnce() throws Exception {
        String tag = "LATE-" + UUID.randomUUID();
        Map<Long, BigDecimal> expected = new HashMap<>();
        try (Connection held = db.getConnection()) {
            held.setAutoCommit(false);
            try (PreparedStatement ps = held.prepareStatement("INSERT INTO orders (customer_name, restaurant_name, item, "
                    + "amount, order_status) VALUES ('Late', ?, 'Thali', 99.00, 'PLACED') RETURNING order_id")) {
                ps.setString(1, tag);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    expected.put(rs.getLong(1), new BigDecimal("99.00"));
                }
            }
            // 50 later orders commit one by one while the first is still open, and the capture runs over them
            NotifyBuilder captured = new NotifyBuilder(app.context()).fromRoute(captureRoute()).whenCompleted(3).create();
            Map<Long, BigDecimal> later = insertNow(tag, 50);
            expected.putAll(later);
            assertThat(captured.matches(60, java.util.concurrent.TimeUnit.SECONDS)).as("capture ran").isTrue();
            held.commit();
        }
        assertExactlyOnce(tag, expected);
    }

    /** 1,000 orders sharing one created_at straddle the capture's batches (7 rows) and polls: each arrives once. */
    @Test
    void athousandOrdersSharingOneCreatedAtArriveOnceEach() throws Exception {
        String tag = "TIES-" + UUID.randomUUID();
        Map<Long, BigDecimal> expected = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer_name, restaurant_name, item, amount, order_status, created_at) "
                        + "SELECT 'Tie ' || g, ?, 'Dosa', 10 + g, 'PLACED', ? FROM generate_series(1, 1000) g RETURNING order_id, amount")) {
            ps.setString(1, tag);
            ps.setObject(2, LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getBigDecimal(2));
                }
            }
        }
        assertThat(expected).hasSize(1000);
        assertExactlyOnce(tag, expected);
    }

    /** Rows written with a created_at in the past (a backfill, a skewed clock): only the log sees them. */
    @Test
    void backdatedOrdersReachTheirDayInTheLake() throws Exception {
        Assumptions.assumeTrue(mode.equals("log"), "polling cannot see rows dated behind its watermark");
        String tag = "BACKFILL-" + UUID.randomUUID();
        LocalDateTime twoDaysAgo = LocalDateTime.now(ZoneOffset.UTC).minusDays(2).truncatedTo(ChronoUnit.SECONDS);
        Map<Long, BigDecimal> expected = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer_name, restaurant_name, item, amount, order_status, created_at) "
                        + "SELECT 'Old ' || g, ?, 'Idli', 5 + g, 'DELIVERED', ? + g * interval '1 second' "
                        + "FROM generate_series(1, 300) g RETURNING order_id, amount")) {
            ps.setString(1, tag);
            ps.setObject(2, twoDaysAgo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expected.put(rs.getLong(1), rs.getBigDecimal(2));
                }
            }
        }
        assertExactlyOnce(tag, expected);
        assertThat(lakeRows(tag)).extracting(LakeFiles.Row::date).containsOnly(twoDaysAgo.toLocalDate().toString(),
                twoDaysAgo.plusSeconds(300).toLocalDate().toString());
    }

    /** Updates and deletes become new versions of their order; the newest version per order is the table's state. */
    @Test
    void updatesAndDeletesArriveAsNewVersionsInCommitOrder() throws Exception {
        Assumptions.assumeTrue(mode.equals("log"), "polling sees neither updates nor deletes");
        String tag = "CHANGES-" + UUID.randomUUID();
        List<Long> ids = new ArrayList<>(insertNow(tag, 20).keySet());
        java.util.Collections.sort(ids);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (Long id : ids.subList(0, 10)) {
                st.executeUpdate("UPDATE orders SET order_status = 'PREPARING' WHERE order_id = " + id);
                st.executeUpdate("UPDATE orders SET order_status = 'DELIVERED', amount = amount + 1 WHERE order_id = " + id);
            }
            st.executeUpdate("DELETE FROM orders WHERE order_id IN (" + ids.get(15) + "," + ids.get(16) + ","
                    + ids.get(17) + "," + ids.get(18) + "," + ids.get(19) + ")");
        }
        // what the table says now, computed from the table: the expectation of the newest version per order
        Map<Long, String> state = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT order_id, order_status, amount FROM orders WHERE restaurant_name = ?")) {
            ps.setString(1, tag);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.put(rs.getLong(1), rs.getString(2) + "/" + rs.getBigDecimal(3).toPlainString());
                }
            }
        }
        assertThat(state).hasSize(15);
        await().atMost(Duration.ofSeconds(60)).until(() -> lakeRows(tag).size() == 20 + 20 + 5);
        List<LakeFiles.Row> rows = lakeRows(tag);
        assertThat(rows).filteredOn(r -> r.op().equals("c")).hasSize(20);
        assertThat(rows).filteredOn(r -> r.op().equals("u")).hasSize(20);
        assertThat(rows).filteredOn(r -> r.op().equals("d")).extracting(LakeFiles.Row::orderId)
                .containsExactlyInAnyOrderElementsOf(ids.subList(15, 20));
        Map<Long, LakeFiles.Row> newest = new HashMap<>();
        for (LakeFiles.Row r : rows) {
            newest.merge(r.orderId(), r, (a, b) -> a.offset() > b.offset() ? a : b);
        }
        newest.forEach((id, r) -> {
            if (r.op().equals("d")) {
                assertThat(state).doesNotContainKey(id);
            } else {
                assertThat(r.status() + "/" + r.amount().toPlainString()).as("order " + id).isEqualTo(state.get(id));
            }
        });
    }

    /** n orders committed one by one with created_at = now(), as an application writes them. */
    private static Map<Long, BigDecimal> insertNow(String tag, int n) throws Exception {
        Map<Long, BigDecimal> inserted = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer_name, restaurant_name, item, amount, order_status) "
                        + "VALUES (?, ?, 'Biryani', ?, 'PLACED') RETURNING order_id")) {
            for (int i = 0; i < n; i++) {
                BigDecimal amount = new BigDecimal(200 + i + ".25");
                ps.setString(1, "Customer " + i);
                ps.setString(2, tag);
                ps.setBigDecimal(3, amount);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    inserted.put(rs.getLong(1), amount);
                }
            }
        }
        return inserted;
    }

    private static List<io.camelpipelines.TopicRecords.DeadLetter> dlqOf(String tag, int n) {
        return io.camelpipelines.TopicRecords.deadLettersContaining(app.property("kafka.brokers"), "food_orders_raw", tag,
                n, Duration.ofSeconds(60));
    }
}
