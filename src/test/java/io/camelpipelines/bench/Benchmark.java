package io.camelpipelines.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.clickstream.ClickEvent;
import io.camelpipelines.clickstream.ClickEventGenerator;
import io.camelpipelines.common.PipelineMetrics.Kind;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.foodorders.FoodOrder;
import io.camelpipelines.foodorders.FoodOrderGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The throughput benchmark: {@code mvn -Pbench -DskipTests verify}. One run on the embedded services
 * of this machine (PostgreSQL durable: fsync and synchronous_commit on) measures the ceilings (plain
 * Kafka producer and consumer, no Camel), the hand-written Kafka -> sink loop per sink, each pipeline
 * end to end with the same records and batch size, and produce-to-row latency at a fixed rate; then
 * writes bench/results/latest.md and latest.json.
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int PARTITIONS = 4;

    private final int records = Integer.getInteger("bench.records", 500_000);
    private final int batchSize = Integer.getInteger("bench.batch-size", 5_000);
    private final int latencyRate = Integer.getInteger("bench.latency.rate", 5_000);
    private final int latencySeconds = Integer.getInteger("bench.latency.seconds", 20);
    private final List<Map<String, Object>> results = new ArrayList<>();
    private RunningApplication app;
    private String brokers;
    private DataSource db;
    private double handLoopRate;
    private double jvmCpuStart;
    private double postgresCpuStart;

    public static void main(String[] args) throws Exception {
        new Benchmark().run();
        System.exit(0);
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        app = RunningApplication.start("bench-run", Map.of(
                "clickstream.consumers", System.getProperty("bench.consumers", "2"),
                "clickstream.sink.batch-size", String.valueOf(batchSize),
                // the aggregation would compete for PostgreSQL while the sink is measured
                "clickstream.aggregate.period", "3600000",
                "food-orders.poll.batch-size", System.getProperty("bench.capture.batch-size", "10000"),
                "food-orders.poll.interval", "1000",
                "food-orders.lake.max-records", System.getProperty("bench.lake.max-records", "20000"),
                "food-orders.consumers", System.getProperty("bench.lake.consumers", "1"),
                "food-orders.lake.roll-interval", "2000"));
        System.out.printf("application up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        brokers = app.property("kafka.brokers");
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        app.context().getRouteController().stopRoute("clickstream-to-postgres");
        app.context().getRouteController().stopRoute("food-orders-capture");
        app.context().getRouteController().stopRoute("food-orders-to-lake");
        for (String route : List.of("crypto-simulator", "crypto-to-postgres", "crypto-candles")) {
            app.context().getRouteController().stopRoute(route);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.createTopics(List.of(new NewTopic("bench-clicks", PARTITIONS, (short) 1),
                    new NewTopic("clickstream", PARTITIONS, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException alreadyThere) {
            // a topic auto-created by a route is fine as long as it has the partitions
        }

        List<byte[]> events = events(records);
        double avgBytes = events.stream().mapToInt(e -> e.length).average().orElse(0);
        System.out.printf("%,d click events, %.0f bytes on average%n", records, avgBytes);

        String only = System.getProperty("bench.only", "");
        if (only.isEmpty() || only.equals("clickstream")) {
            produceCeiling(events);
            consumeCeiling();
            seedStyleLoop(20_000);
            handWrittenLoop();
            clickstreamPipeline(events);
            clickstreamLatency();
        }
        if (only.isEmpty() || only.equals("food-orders")) {
            foodOrdersCapture();
            foodOrdersLake();
        }
        if (only.isEmpty() || only.equals("crypto-prices")) {
            cryptoTicksAndCandles(Integer.getInteger("bench.ticks", 1_000_000));
        }
        write(avgBytes);
    }

    private static List<byte[]> events(int n) throws Exception {
        ClickEventGenerator generator = new ClickEventGenerator(50_000, 1);
        List<byte[]> out = new ArrayList<>(n);
        for (ClickEvent e : generator.next(n)) {
            out.add(JSON.writeValueAsBytes(e));
        }
        return out;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void produce(String topic, List<byte[]> events) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] e : events) {
                producer.send(new ProducerRecord<>(topic, JSON.readTree(e).get("session_id").asText().getBytes(), e));
            }
            producer.flush();
        }
    }

    private void produceCeiling(List<byte[]> events) throws Exception {
        resetPeakHeap();
        long start = System.nanoTime();
        produce("bench-clicks", events);
        record("Kafka producer (plain kafka-clients, acks=all, idempotent, lz4)", events.size(), start, null, null);
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private void consumeCeiling() {
        resetPeakHeap();
        long start = System.nanoTime();
        int n = 0;
        try (KafkaConsumer<String, String> c = consumer("bench-plain-consumer")) {
            c.subscribe(List.of("bench-clicks"));
            while (n < records) {
                n += c.poll(Duration.ofMillis(500)).count();
            }
        }
        record("Kafka consumer (plain kafka-clients)", n, start, null, null);
    }

    /** The seeds' style: one INSERT and one COMMIT per message. */
    private void seedStyleLoop(int n) throws Exception {
        createTable("bench_seed_style");
        resetPeakHeap();
        long start = System.nanoTime();
        int done = 0;
        try (KafkaConsumer<String, String> c = consumer("bench-seed-style"); Connection conn = db.getConnection()) {
            c.subscribe(List.of("bench-clicks"));
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(insertSql("bench_seed_style"))) {
                while (done < n) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                        if (done++ >= n) {
                            break;
                        }
                        bind(ps, r.value());
                        ps.executeUpdate();
                        conn.commit();
                    }
                }
            }
        }
        record("Seeds' style: INSERT + COMMIT per message (" + n + " records)", n, start, null, null);
    }

    /** The ceiling for a Kafka -> PostgreSQL stage written by hand, with the pipeline's batch size. */
    private void handWrittenLoop() throws Exception {
        createTable("bench_hand_loop");
        resetPeakHeap();
        long start = System.nanoTime();
        int n = 0;
        try (KafkaConsumer<String, String> c = consumer("bench-hand-loop"); Connection conn = db.getConnection()) {
            c.subscribe(List.of("bench-clicks"));
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(insertSql("bench_hand_loop"))) {
                while (n < records) {
                    ConsumerRecords<String, String> batch = c.poll(Duration.ofMillis(500));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : batch) {
                        bind(ps, r.value());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    conn.commit();
                    c.commitSync();
                    n += batch.count();
                }
            }
        }
        handLoopRate = record("Hand-written loop: kafka-clients -> Jackson -> JDBC batch -> commit -> commitSync", n, start,
                null, null);
        assertRows("bench_hand_loop", n);
    }

    private void clickstreamPipeline(List<byte[]> events) throws Exception {
        produce("clickstream", events);
        double outBefore = app.metric("clickstream", Kind.OUT);
        resetPeakHeap();
        long start = System.nanoTime();
        app.context().getRouteController().startRoute("clickstream-to-postgres");
        await(() -> app.metric("clickstream", Kind.OUT) - outBefore >= records, Duration.ofMinutes(10));
        record("clickstream pipeline: Kafka -> PostgreSQL clickstream_data (Camel route)", records, start, null, null);
        assertRows("clickstream_data", records);
    }

    /** Produce-to-row latency at a fixed rate: event timestamp = send time, row time = ingested_at. */
    private void clickstreamLatency() throws Exception {
        int total = latencyRate * latencySeconds;
        ClickEventGenerator generator = new ClickEventGenerator(50_000, latencyRate);
        double outBefore = app.metric("clickstream", Kind.OUT);
        resetPeakHeap();
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>(total);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            int sent = 0;
            while (sent < total) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * latencyRate);
                for (ClickEvent e : generator.next((int) Math.min(due - sent, total - sent))) {
                    ClickEvent stamped = new ClickEvent("lat-" + e.eventId(), e.userId(), e.sessionId(), e.eventType(),
                            e.pageUrl(), e.elementId(), e.referrer(), e.userAgent(), e.ip(), Instant.now());
                    producer.send(new ProducerRecord<>("clickstream", e.sessionId().getBytes(), JSON.writeValueAsBytes(stamped)));
                    ids.add(stamped.eventId());
                    sent++;
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }
        await(() -> app.metric("clickstream", Kind.OUT) - outBefore >= total, Duration.ofMinutes(5));
        double[] p;
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), "
                     + "percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), count(*) FROM (SELECT extract(epoch FROM "
                     + "ingested_at - event_time) * 1000 AS ms FROM clickstream_data WHERE event_id LIKE 'lat-%') t")) {
            rs.next();
            p = new double[] {rs.getDouble(1), rs.getDouble(2), rs.getLong(3)};
        }
        if (p[2] != total) {
            throw new IllegalStateException("latency run stored " + p[2] + " rows of " + total);
        }
        record("clickstream latency at " + latencyRate + " events/s for " + latencySeconds + " s (produce -> row)",
                total, start, p[0], p[1]);
    }

    /** Rows/s from table orders to topic food_orders_raw: the capture starts with the whole table behind it. */
    private void foodOrdersCapture() throws Exception {
        FoodOrderGenerator generator = app.bean("foodOrderGenerator", FoodOrderGenerator.class);
        for (int done = 0; done < records; done += 10_000) {
            List<FoodOrder> chunk = generator.orders(Math.min(10_000, records - done)).stream()
                    .map(o -> new FoodOrder(null, o.customerName(), o.restaurantName(), o.item(), o.amount().abs(),
                            o.orderStatus(), null))
                    .toList();
            generator.insert(chunk);
        }
        long maxId = queryLong("SELECT max(order_id) FROM orders");
        // rows younger than the capture's delay wait for the next poll: start once they are old enough
        TimeUnit.MILLISECONDS.sleep(1_500);
        resetPeakHeap();
        long start = System.nanoTime();
        app.context().getRouteController().startRoute("food-orders-capture");
        await(() -> {
            try {
                return queryLong("SELECT coalesce(max(order_id), 0) FROM cdc_watermarks WHERE name = 'food-orders.orders'") >= maxId;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofMinutes(10));
        record("food-orders capture: table orders -> topic food_orders_raw (" + app.property("food-orders.poll.batch-size")
                + " rows per poll)", records, start, null, null);
    }

    /** Records/s from topic food_orders_raw into date-partitioned Parquet files. */
    private void foodOrdersLake() throws Exception {
        double outBefore = app.metric("food-orders", Kind.OUT);
        resetPeakHeap();
        long start = System.nanoTime();
        app.context().getRouteController().startRoute("food-orders-to-lake");
        await(() -> app.metric("food-orders", Kind.OUT) - outBefore >= records, Duration.ofMinutes(10));
        record("food-orders lake: topic food_orders_raw -> Parquet (date=…/part-….parquet, snappy)", records, start, null, null);
    }

    /** Ticks from topic binance-prices into stock.real_time_prices, then the candles of all of them. */
    private void cryptoTicksAndCandles(int n) throws Exception {
        Instant start = Instant.parse("2021-01-01T00:00:00Z");
        long spanMs = Duration.ofDays(1).toMillis();
        java.util.Random r = new java.util.Random(7);
        double[] price = {30_000, 1_200};
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < n; i++) {
                int s = i % 2;
                price[s] *= 1 + r.nextGaussian() * 0.0004;
                io.camelpipelines.crypto.Tick t = new io.camelpipelines.crypto.Tick(s == 0 ? "BTCUSDT" : "ETHUSDT",
                        java.math.BigDecimal.valueOf(price[s]).setScale(2, java.math.RoundingMode.HALF_UP),
                        start.toEpochMilli() + (long) i * spanMs / n, start.plusMillis((long) i * spanMs / n).toString(),
                        java.math.BigDecimal.valueOf(1 + r.nextInt(100_000), 5), 1_000_000_000L + i);
                producer.send(new ProducerRecord<>("binance-prices", t.symbol().getBytes(), JSON.writeValueAsBytes(t)));
            }
        }
        double outBefore = app.metric("crypto-prices", Kind.OUT);
        resetPeakHeap();
        long t0 = System.nanoTime();
        app.context().getRouteController().startRoute("crypto-to-postgres");
        await(() -> app.metric("crypto-prices", Kind.OUT) - outBefore >= n, Duration.ofMinutes(10));
        record("crypto-prices ticks: Kafka -> PostgreSQL stock.real_time_prices (Camel route)", n, t0, null, null);

        io.camelpipelines.crypto.Candles candles = app.bean("candles", io.camelpipelines.crypto.Candles.class);
        resetPeakHeap();
        long t1 = System.nanoTime();
        int written = candles.rebuild(start, start.plusMillis(spanMs));
        record("crypto-prices candles (1m and 5m, " + written + " candles) from " + n + " ticks", n, t1, null, null);
    }

    private long queryLong(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void createTable(String name) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + name + " (LIKE clickstream_data INCLUDING ALL)");
            st.execute("TRUNCATE " + name);
        }
    }

    private static String insertSql(String table) {
        return "INSERT INTO " + table + " (event_id, user_id, session_id, event_type, page_url, element_id, referrer, "
                + "user_agent, ip, event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";
    }

    private static void bind(PreparedStatement ps, String json) throws Exception {
        ClickEvent e = JSON.readValue(json, ClickEvent.class);
        ps.setString(1, e.eventId());
        ps.setString(2, e.userId());
        ps.setString(3, e.sessionId());
        ps.setString(4, e.eventType());
        ps.setString(5, e.pageUrl());
        ps.setString(6, e.elementId());
        ps.setString(7, e.referrer());
        ps.setString(8, e.userAgent());
        ps.setString(9, e.ip());
        ps.setObject(10, e.timestamp().atOffset(java.time.ZoneOffset.UTC));
    }

    private void assertRows(String table, int expected) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) < expected) {
                throw new IllegalStateException(table + " has " + rs.getLong(1) + " rows, expected " + expected);
            }
        }
    }

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not done within " + max);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private double record(String name, long n, long startNanos, Double p50, Double p99) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = n / seconds;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", name);
        r.put("records", n);
        r.put("seconds", round(seconds, 2));
        r.put("records_per_s", Math.round(rate));
        r.put("ratio_to_hand_loop", comparedToHandLoop(name) ? round(rate / handLoopRate, 2) : null);
        r.put("p50_ms", p50 == null ? null : round(p50, 1));
        r.put("p99_ms", p99 == null ? null : round(p99, 1));
        r.put("peak_heap_mb", peakHeapMb());
        r.put("jvm_cpu_s", round(jvmCpuSeconds() - jvmCpuStart, 1));
        r.put("postgres_cpu_s", round(postgresCpuSeconds() - postgresCpuStart, 1));
        results.add(r);
        System.out.printf("%-90s %,10d rec/s%n", name, Math.round(rate));
        return rate;
    }

    /** Only the stage that moves the same click events compares with the hand-written Kafka -> JDBC loop. */
    private boolean comparedToHandLoop(String scenario) {
        return handLoopRate > 0 && scenario.startsWith("clickstream pipeline");
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
        jvmCpuStart = jvmCpuSeconds();
        postgresCpuStart = postgresCpuSeconds();
    }

    private static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU seconds of all PostgreSQL server processes (utime + stime from /proc), to show where a stage's time goes. */
    private static double postgresCpuSeconds() {
        double ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (!stat.contains("(postgres)")) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (Exception gone) {
                    // the process ended while being read
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return ticks / 100.0;
    }

    private static long peakHeapMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / (1024 * 1024);
    }

    private void write(double avgBytes) throws Exception {
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024),
                "java", System.getProperty("java.version")));
        doc.put("setup", Map.of("records", records, "avg_event_bytes", Math.round(avgBytes), "batch_size", batchSize,
                "partitions", PARTITIONS, "clickstream_consumers", app.property("clickstream.consumers"),
                "postgres", "embedded 15, fsync=on, synchronous_commit=on",
                "note", "one JVM: the Kafka broker, PostgreSQL's client side, Camel and the load all share its heap and 2 cores"));
        doc.put("results", results);
        Files.writeString(dir.resolve("latest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");

        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("Run `mvn -Pbench -DskipTests verify` (").append(doc.get("date")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores). ")
                .append(String.format("%,d click events of %.0f bytes on average, %d partitions, batch size %,d, %s consumer(s);"
                        + " PostgreSQL embedded with fsync and synchronous_commit on. Everything runs in one JVM, so peak heap "
                        + "includes the Kafka broker.%n%n", records, avgBytes, PARTITIONS, batchSize, app.property("clickstream.consumers")));
        md.append("| scenario | records | seconds | records/s | ratio to hand-written loop | p50 ms | p99 ms | peak heap MB "
                + "| CPU s: JVM / PostgreSQL |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : results) {
            md.append(String.format("| %s | %,d | %s | %,d | %s | %s | %s | %,d | %s / %s |%n", r.get("scenario"), r.get("records"),
                    r.get("seconds"), r.get("records_per_s"), dash(r.get("ratio_to_hand_loop")), dash(r.get("p50_ms")),
                    dash(r.get("p99_ms")), r.get("peak_heap_mb"), r.get("jvm_cpu_s"), r.get("postgres_cpu_s")));
        }
        Files.writeString(dir.resolve("latest.md"), md.toString());
        System.out.println();
        System.out.println(md);
    }

    private static String dash(Object v) {
        return v == null ? "–" : v.toString();
    }
}
