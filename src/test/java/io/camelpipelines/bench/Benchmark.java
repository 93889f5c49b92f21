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

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.clickstream.ClickEvent;
import io.camelpipelines.clickstream.ClickEventGenerator;
import io.camelpipelines.common.PipelineMetrics.Kind;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.common.TopicOffsets;
import io.camelpipelines.foodorders.FoodOrder;
import io.camelpipelines.foodorders.FoodOrderGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

    /** The routes whose throughput is measured: stopped at start, each started by its scenario. */
    private static final List<String> MEASURED_ROUTES = List.of("clickstream-to-postgres", "food-orders-capture-log",
            "food-orders-to-lake", "crypto-prices-to-postgres", "product-views-bridge", "product-views-to-mongodb", "flights-to-stores");
    /** A scenario that makes no progress for this long has failed: it says so instead of waiting for ever. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final int records = Integer.getInteger("bench.records", 500_000);
    private final int consumers = Integer.getInteger("bench.consumers", 2);
    private final int batchSize = Integer.getInteger("bench.batch-size", 5_000);
    /** Records the clickstream pipeline and its COPY loop each run through before they are measured. */
    private final int warmup = Integer.getInteger("bench.warmup", 100_000);
    /** How many times a stage and its reference loop are measured, in turns (PairedRuns); 1 for once. */
    private final int pairs = Integer.getInteger("bench.pairs", 3);
    private final int latencyRate = Integer.getInteger("bench.latency.rate", 5_000);
    private final int latencySeconds = Integer.getInteger("bench.latency.seconds", 20);
    private final List<Map<String, Object>> results = new ArrayList<>();
    private RunningApplication app;
    private String brokers;
    private DataSource db;
    private double sameTechniqueLoopRate;
    private double bestLoopRate;
    private double mongoLoopRate;
    private double ticksLoopRate;
    private double lakeLoopRate;
    private double flightsFoldLoopRate;
    private double flightsBestLoopRate;
    /** Findings that are not a rate, printed under the table. */
    private final List<String> notes = new ArrayList<>();
    private double jvmCpuStart;
    private long loopCpuStart;
    private long pipelineCpuStart;
    private double postgresCpuStart;

    public static void main(String[] args) {
        try {
            new Benchmark().run();
            System.exit(0);
        } catch (Throwable t) {
            // the application's shutdown hooks run next and their logging would bury this
            System.out.println("BENCHMARK FAILED: " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        if ("scale-out".equals(System.getProperty("bench.only"))) {
            // child processes only: the shipped jar, once and twice, against the services command
            new ScaleOutBench(records, consumers).run();
            return;
        }
        if ("memory".equals(System.getProperty("bench.only"))) {
            // child processes only, some 25 minutes: the shipped jar for ten minutes alone, then against the services
            new MemoryBench(Integer.getInteger("bench.memory.minutes", 10)).run();
            return;
        }
        long t0 = System.nanoTime();
        app = RunningApplication.start("bench-run", Map.ofEntries(
                // a benchmark measures only what it names: no source of its own running, and routes started
                // synchronously, so a route the benchmark stops cannot be started again by the route supervisor
                Map.entry("camel.routecontroller.enabled", "false"),
                // the trade simulator must serve its WebSocket for crypto-prices-ingest to start; its route is stopped below
                Map.entry("crypto-prices.simulator.rate", "1"),
                Map.entry("clickstream.sink.consumers", String.valueOf(consumers)),
                Map.entry("clickstream.sink.batch-size", String.valueOf(batchSize)),
                // the aggregation would compete for PostgreSQL while the sink is measured
                Map.entry("clickstream.aggregate.period", "3600000"),
                Map.entry("food-orders.poll.batch-size", System.getProperty("bench.capture.batch-size", "10000")),
                Map.entry("food-orders.poll.interval", "1000"),
                Map.entry("food-orders.lake.batch-size", System.getProperty("bench.lake.max-records", "20000")),
                Map.entry("food-orders.lake.consumers", System.getProperty("bench.lake.consumers", "1")),
                Map.entry("food-orders.lake.roll-interval", "2000"),
                // the benchmark writes the remote topic itself, so its counts are exact
                Map.entry("product-views.simulator.enabled", "false"),
                // every stored view is counted, and the reports are timed over 1,000,000 of them: no count bound
                Map.entry("product-views.store.max-views", "0"),
                // its deleteMany scans the whole in-memory store once a minute, in whichever side is being measured
                Map.entry("product-views.store.retention-check", "1h"),
                // the fare sites the scraper is timed on: 20 pages of 10 rows each
                Map.entry("flights.fixtures.pages", "20")));
        System.out.printf("application up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        brokers = app.property("kafka.brokers");
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        // a capture route stopped while its Debezium engine is still starting can leave the engine running, holding the
        // slot, and the measured start later stalls on it: stop it once it streams, and check that the slot is let go
        awaitSlotActive(true);
        for (String route : MEASURED_ROUTES) {
            app.context().getRouteController().stopRoute(route);
        }
        awaitSlotActive(false);
        for (String route : List.of("crypto-prices-simulator", "crypto-prices-candles", "crypto-prices-ingest", "clickstream-simulator",
                "food-orders-simulator", "flights-simulator", "flights-source-api", "flights-source-pages", "flights-console")) {
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

        // one or more pipelines' scenarios, comma-separated; empty for all
        List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream().filter(x -> !x.isBlank()).toList();
        if (only.isEmpty() || only.contains("clickstream")) {
            produceCeiling(events);
            consumeCeiling();
            seedStyleLoop(20_000);
            handWrittenLoops();
            clickstreamPipeline(events);
            clickstreamLatency();
        }
        if (only.contains("scaling")) {
            // not part of the default run: nine clickstream sinks, 2 to 3 minutes
            new ScalingBench(this).run(Integer.getInteger("bench.scaling.records", 200_000));
        }
        if (only.isEmpty() || only.contains("food-orders")) {
            foodOrdersCapture();
        }
        if (only.isEmpty() || only.contains("crypto-prices")) {
            cryptoTicksAndCandles(Integer.getInteger("bench.ticks", 1_000_000));
        }
        if (only.isEmpty() || only.contains("flights")) {
            new FlightsBench(this).run(Integer.getInteger("bench.flights", 200_000), 400);
        }
        if (only.isEmpty() || only.contains("product-views")) {
            new ProductViewsBench(this).run(Integer.getInteger("bench.views", 200_000),
                    Integer.getInteger("bench.report-views", 1_000_000));
        }
        write(avgBytes);
    }

    static List<byte[]> events(int n) throws Exception {
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

    void produce(String topic, List<byte[]> events) throws Exception {
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
        Properties p = HandLoop.manualCommit(brokers, group, batchSize);
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
        createTable("bench_seed_style", "clickstream_data");
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

    /**
     * Kafka -> PostgreSQL written by hand, three ways, each with offsets committed after the database commit and
     * idempotent on event_id: JDBC batches with one consumer (the obvious loop); one unnest INSERT per batch; and
     * the pipeline's own technique, COPY into a staging table, then one INSERT … SELECT … ON CONFLICT per batch, the
     * fastest a person would write, with the pipeline's consumer count, which the pipeline's ratio is taken against.
     */
    private void handWrittenLoops() throws Exception {
        double jdbc = handLoop("Hand-written loop, JDBC batch, 1 consumer", "bench-clicks", "bench_loop_jdbc",
                "clickstream_data", HandLoop.Shape.CLICKS, 1, HandLoop.Technique.JDBC_BATCH, records);
        double unnest = handLoop("Hand-written loop, unnest INSERT per batch, " + consumers + " consumers", "bench-clicks",
                "bench_loop_unnest", "clickstream_data", HandLoop.Shape.CLICKS, consumers, HandLoop.Technique.UNNEST, records);
        // its code compiled first, as the pipeline's is before it is measured (clickstreamPipeline)
        warmUpCopyLoop("bench-clicks", Map.of(), "bench_loop_warmup", "clickstream_data", HandLoop.Shape.CLICKS, consumers);
        sameTechniqueLoopRate = handLoop("Hand-written loop, COPY to staging + INSERT … ON CONFLICT, " + consumers
                + " consumers", "bench-clicks", "bench_loop_copy", "clickstream_data", HandLoop.Shape.CLICKS, consumers,
                HandLoop.Technique.COPY, records);
        bestLoopRate = Math.max(jdbc, Math.max(unnest, sameTechniqueLoopRate));
    }

    private double handLoop(String name, String topic, String table, String like, HandLoop.Shape shape, int threads,
                            HandLoop.Technique technique, int n) throws Exception {
        return handLoop(name, topic, Map.of(), table, like, shape, threads, technique, n);
    }

    /** {@code from}: where its group starts reading, for the partitions it names; the others from their start. */
    private double handLoop(String name, String topic, Map<TopicPartition, Long> from, String table, String like,
                            HandLoop.Shape shape, int threads, HandLoop.Technique technique, int n) throws Exception {
        createTable(table, like);
        String group = "bench-" + table + "-" + System.nanoTime();
        startGroupAt(group, from);
        resetPeakHeap();
        long start = System.nanoTime();
        HandLoop loop = new HandLoop(brokers, topic, group, db, table, shape, technique, batchSize, n);
        loop.run(threads, STALL);
        double rate = record(name, n, start, null, null);
        assertRows(table, n);
        return rate;
    }

    private void clickstreamPipeline(List<byte[]> events) throws Exception {
        warmUpClickstream(events.subList(0, warmup));
        Map<TopicPartition, Long> from = latestOffsets("clickstream");
        produce("clickstream", events);
        clickstreamSink("clickstream pipeline", records, start -> record(
                "clickstream pipeline: Kafka -> PostgreSQL clickstream_data (Camel route)", records, start, null, null));
        pairs("clickstream pipeline", "Hand-written loop, COPY", records,
                () -> {
                    stopAndEmpty("clickstream-to-postgres", "clickstream_data");
                    return copyLoop("bench-clicks", Map.of(), "bench_loop_copy_again", "clickstream_data",
                            HandLoop.Shape.CLICKS, consumers, records);
                },
                () -> {
                    startGroupAt(app.property("clickstream.sink.group"), from);
                    return clickstreamSink("clickstream pipeline again", records, this::rate);
                });
    }

    /** Starts the stopped clickstream sink and waits for {@code n} more records out; {@code done} measures them. */
    private double clickstreamSink(String what, int n, java.util.function.LongToDoubleFunction done) throws Exception {
        double outBefore = startMeasuredRoute("clickstream-to-postgres", "clickstream");
        long start = System.nanoTime();
        awaitProgress(what, () -> app.metric("clickstream", Kind.OUT) - outBefore, n);
        double rate = done.applyAsDouble(start);
        assertRows("clickstream_data", n);
        return rate;
    }

    /** Records/s of {@code n} records since {@code startNanos}, recorded nowhere. */
    private double rate(long startNanos) {
        return records / ((System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Measures a stage and its loop again in turns ({@link PairedRuns}), after their first measurement, and adds the
     * pairs to the stage's row: {@code stage} is the start of its scenario's name. Each side starts with both sides'
     * sinks empty and the stage's route stopped: the loop's side stops and empties the stage's.
     */
    void pairs(String stage, String loop, long n, PairedRuns.Side loopAgain, PairedRuns.Side stageAgain)
            throws Exception {
        if (pairs <= 1) {
            return;
        }
        Map<String, Object> row = row(stage);
        Map<String, Object> loopRow = row(loop);
        PairedRuns runs = PairedRuns.measure(pairs, n,
                new double[] {((Number) loopRow.get("records_per_s")).doubleValue(), ((Number) row.get("records_per_s")).doubleValue()},
                new double[] {((Number) loopRow.get("consumer_cpu_s_per_million")).doubleValue(),
                        ((Number) row.get("consumer_cpu_s_per_million")).doubleValue()},
                loopAgain, ConsumerCpu::loops, stageAgain, ConsumerCpu::pipelines);
        row.put("paired", runs.toMap());
        row.put("median_ratio_of_pairs", runs.summary());
        Map<String, Object> m = runs.toMap();
        note(String.format("%s: %d pairs in turns (loop, then stage) on the same records, loop %s rec/s, stage %s rec/s,"
                        + " ratios %s, median %.2f; consumer CPU s per 1M records, loop %s, stage %s", stage, pairs,
                thousands(m.get("loop_records_per_s")), thousands(m.get("stage_records_per_s")), m.get("ratios"),
                runs.medianRatio(), m.get("loop_consumer_cpu_s_per_million"), m.get("stage_consumer_cpu_s_per_million")));
    }

    /** The last row whose scenario starts with {@code scenario}. */
    private Map<String, Object> row(String scenario) {
        return results.stream().filter(r -> r.get("scenario").toString().startsWith(scenario))
                .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("no row for " + scenario));
    }

    private static String thousands(Object rates) {
        return ((List<?>) rates).stream().map(r -> String.format("%,d", (Long) r)).toList().toString();
    }

    Map<TopicPartition, Long> latestOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            return TopicOffsets.latest(admin, TopicOffsets.partitions(admin, topic));
        }
    }

    /** Produce-to-row latency at a fixed rate: event timestamp = send time, row time = ingested_at. */
    private void clickstreamLatency() throws Exception {
        resetPeakHeap();
        long start = System.nanoTime();
        double[] p = latency("clickstream", "lat-", latencyRate, latencySeconds);
        record("clickstream latency at " + latencyRate + " events/s for " + latencySeconds + " s (produce -> row)",
                (long) latencyRate * latencySeconds, start, p[0], p[1]);
    }

    /**
     * Runs the clickstream sink over {@code events} and empties its table again, so that the measured run, like the
     * COPY loop's after its own warm-up, runs code the JIT has compiled: measured cold, the pipeline's route had
     * more than twice the loop's long compilations (JFR's jdk.Compilation) on the same two cores.
     */
    private void warmUpClickstream(List<byte[]> events) throws Exception {
        produce("clickstream", events);
        double before = startMeasuredRoute("clickstream-to-postgres", "clickstream");
        awaitProgress("clickstream warm-up", () -> app.metric("clickstream", Kind.OUT) - before, events.size());
        // its offsets committed before it stops, so that no warm-up record comes back in the measured run
        String group = app.property("clickstream.sink.group");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            Map<TopicPartition, Long> end = TopicOffsets.latest(admin, TopicOffsets.partitions(admin, "clickstream"));
            awaitProgress("clickstream warm-up commits", () -> {
                try {
                    var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                    return end.entrySet().stream().filter(e -> committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue()).count();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, end.size());
        }
        stopAndEmpty("clickstream-to-postgres", "clickstream_data");
    }

    private void stopAndEmpty(String routeId, String table) throws Exception {
        app.context().getRouteController().stopRoute(routeId);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + table);
        }
    }

    /** The COPY loop over the first {@code warmup} records from {@code from}, unmeasured, into a table of its own. */
    private void warmUpCopyLoop(String topic, Map<TopicPartition, Long> from, String table, String like,
                                HandLoop.Shape shape, int threads) throws Exception {
        copyLoop(topic, from, table, like, shape, threads, warmup);
    }

    /**
     * The COPY loop over {@code n} records from {@code from} into an empty table of its own, emptied again after it is
     * counted (its rows must not linger, to be vacuumed, while the stage runs); its records/s, unrecorded.
     */
    private double copyLoop(String topic, Map<TopicPartition, Long> from, String table, String like,
                            HandLoop.Shape shape, int threads, int n) throws Exception {
        createTable(table, like);
        String group = "bench-" + table + "-" + System.nanoTime();
        startGroupAt(group, from);
        long start = System.nanoTime();
        new HandLoop(brokers, topic, group, db, table, shape, HandLoop.Technique.COPY, batchSize, n).run(threads, STALL);
        double rate = n / ((System.nanoTime() - start) / 1e9);
        assertRows(table, n);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + table);
        }
        return rate;
    }

    /** Where a consumer group would read next: its committed offsets, the topic's start where it has none. */
    private Map<TopicPartition, Long> committedOrEarliest(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            Map<TopicPartition, Long> from = new LinkedHashMap<>(TopicOffsets.earliest(admin, TopicOffsets.partitions(admin, topic)));
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((tp, o) -> {
                if (o != null && from.containsKey(tp)) {
                    from.put(tp, o.offset());
                }
            });
            return from;
        }
    }

    /** Sets where a consumer group (with no member) reads next, for the partitions named. */
    void startGroupAt(String group, Map<TopicPartition, Long> from) throws Exception {
        if (from.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            from.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    /**
     * Sends click events at {@code rate} per second for {@code seconds} to a topic a running clickstream sink reads,
     * each stamped with its send time and an id starting with {@code prefix}; waits until all are rows and returns
     * {p50, p99} of row time (ingested_at) minus send time, in milliseconds.
     */
    double[] latency(String topic, String prefix, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        ClickEventGenerator generator = new ClickEventGenerator(50_000, rate);
        double outBefore = app.metric("clickstream", Kind.OUT);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            int sent = 0;
            while (sent < total) {
                long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
                for (ClickEvent e : generator.next((int) Math.min(due - sent, total - sent))) {
                    ClickEvent stamped = new ClickEvent(prefix + e.eventId(), e.userId(), e.sessionId(), e.eventType(),
                            e.pageUrl(), e.elementId(), e.referrer(), e.userAgent(), e.ip(), Instant.now());
                    producer.send(new ProducerRecord<>(topic, e.sessionId().getBytes(), JSON.writeValueAsBytes(stamped)));
                    sent++;
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }
        awaitProgress("clickstream latency run", () -> app.metric("clickstream", Kind.OUT) - outBefore, total);
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement("SELECT percentile_cont(0.5) "
                + "WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), count(*) FROM (SELECT "
                + "extract(epoch FROM ingested_at - event_time) * 1000 AS ms FROM clickstream_data WHERE event_id LIKE ?) t")) {
            st.setString(1, prefix + "%");
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getLong(3) != total) {
                    throw new IllegalStateException("latency run stored " + rs.getLong(3) + " rows of " + total);
                }
                return new double[] {rs.getDouble(1), rs.getDouble(2)};
            }
        }
    }

    /** Rows/s from table orders to topic food_orders_raw: the capture starts with the whole table behind it. */
    /**
     * The change-data-capture figures, both modes, on the same table: the log capture from table to topic, the lake
     * from topic to Parquet, the log capture end to end (rows inserted while capture and lake run), then the polling
     * capture of the whole table (it starts from the beginning) end to end.
     */
    private void foodOrdersCapture() throws Exception {
        io.camelpipelines.foodorders.CapturePublisher published = app.bean("foodOrdersCapturePublisher",
                io.camelpipelines.foodorders.CapturePublisher.class);
        insertOrders(records);
        long before = published.published();
        startMeasuredRoute("food-orders-capture-log", "food-orders");
        long start = System.nanoTime();
        awaitProgress("food-orders log capture", () -> published.published() - before, records);
        record("food-orders capture, log (Debezium, pgoutput): table orders -> topic food_orders_raw", records, start,
                null, null);

        resetPeakHeap();
        start = System.nanoTime();
        LakeHandLoop.run(brokers, app.property("food-orders.topic"), app.dataDir().resolve("bench-lake-loop"),
                Integer.parseInt(app.property("food-orders.lake.batch-size")), records);
        lakeLoopRate = record("Hand-written loop, kafka-clients -> Parquet (same cleaning, snappy, a file per date and "
                + "poll, synced and renamed), 1 consumer", records, start, null, null);

        String lakeTopic = app.property("food-orders.topic");
        String lakeGroup = app.property("food-orders.lake.group");
        Map<TopicPartition, Long> lakeFrom = committedOrEarliest(lakeGroup, lakeTopic);
        double outBefore = startMeasuredRoute("food-orders-to-lake", "food-orders");
        start = System.nanoTime();
        awaitProgress("food-orders lake", () -> app.metric("food-orders", Kind.OUT) - outBefore, records);
        record("food-orders lake: topic food_orders_raw -> Parquet (date=…/part-….parquet, snappy)", records, start, null, null);
        // in turns as the other sinks, each side into an empty lake: the loop from the topic's start with a new group,
        // the stage from where its group was before its first run
        Path lake = Path.of(app.context().getPropertiesComponent().resolveProperty("food-orders.lake.path")
                .orElse(app.dataDir().resolve("lake/food/orders").toString()));
        pairs("food-orders lake", "Hand-written loop, kafka-clients -> Parquet", records,
                () -> {
                    app.context().getRouteController().stopRoute("food-orders-to-lake");
                    io.camelpipelines.infra.Directories.delete(lake);
                    Path loopLake = app.dataDir().resolve("bench-lake-loop");
                    io.camelpipelines.infra.Directories.delete(loopLake);
                    long t = System.nanoTime();
                    LakeHandLoop.run(brokers, lakeTopic, loopLake, Integer.parseInt(app.property("food-orders.lake.batch-size")),
                            records);
                    return records / ((System.nanoTime() - t) / 1e9);
                },
                () -> {
                    startGroupAt(lakeGroup, lakeFrom);
                    double out = startMeasuredRoute("food-orders-to-lake", "food-orders");
                    long t = System.nanoTime();
                    awaitProgress("food-orders lake again", () -> app.metric("food-orders", Kind.OUT) - out, records);
                    return records / ((System.nanoTime() - t) / 1e9);
                });

        // end to end with the log capture: the rows are inserted while capture and lake run
        double lakeBefore = app.metric("food-orders", Kind.OUT);
        resetPeakHeap();
        start = System.nanoTime();
        insertOrders(records);
        awaitProgress("food-orders log capture end to end", () -> app.metric("food-orders", Kind.OUT) - lakeBefore, records);
        record("food-orders end to end, log: INSERT -> Debezium -> Kafka -> Parquet (inserts included)", records, start,
                null, null);

        // the polling capture starts from the beginning of the table: all of it, end to end
        app.context().getRouteController().stopRoute("food-orders-capture-log");
        long total = queryLong("SELECT count(*) FROM orders");
        long pollBefore = published.published();
        double lakeBeforePoll = app.metric("food-orders", Kind.OUT);
        resetPeakHeap();
        start = System.nanoTime();
        app.context().getRouteController().startRoute("food-orders-capture-poll");
        awaitProgress("food-orders poll capture", () -> published.published() - pollBefore, total);
        record("food-orders capture, poll (" + app.property("food-orders.poll.batch-size") + " rows per query): table "
                + "orders -> topic food_orders_raw", total, start, null, null);
        awaitProgress("food-orders poll capture end to end", () -> app.metric("food-orders", Kind.OUT) - lakeBeforePoll,
                total);
        record("food-orders end to end, poll: table orders -> Kafka -> Parquet", total, start, null, null);
        app.context().getRouteController().stopRoute("food-orders-capture-poll");
    }

    private void insertOrders(int n) throws Exception {
        FoodOrderGenerator generator = app.bean("foodOrderGenerator", FoodOrderGenerator.class);
        for (int done = 0; done < n; done += 10_000) {
            List<FoodOrder> chunk = generator.orders(Math.min(10_000, n - done)).stream()
                    .map(o -> new FoodOrder(null, o.customerName(), o.restaurantName(), o.item(), o.amount().abs(),
                            o.orderStatus(), null))
                    .toList();
            generator.insert(chunk);
        }
    }

    /**
     * Ticks from topic binance-prices into stock.real_time_prices, then the candles of all of them. The loop, then the
     * pipeline, each runs over the first {@code warmup} of the same ticks right before it is measured on all of them
     * (the pipeline's group is set back to where the ticks start, its table emptied), as the clickstream stage does:
     * with the loop's run between the pipeline's warm-up and its measured run, the pipeline's consumer thread took
     * 9.8 CPU-seconds per million ticks, against 6.0 with no warm-up.
     */
    private void cryptoTicksAndCandles(int n) throws Exception {
        Instant start = Instant.parse("2021-01-01T00:00:00Z");
        long spanMs = Duration.ofDays(1).toMillis();
        int consumersOfTicks = Integer.parseInt(app.property("crypto-prices.sink.consumers"));
        Map<TopicPartition, Long> from = latestOffsets("binance-prices");
        produceTicks(start, spanMs, n);
        if (warmup > 0) {
            warmUpCopyLoop("binance-prices", from, "bench_loop_ticks_warmup", "stock.real_time_prices",
                    HandLoop.Shape.TICKS, consumersOfTicks);
        }
        ticksLoopRate = handLoop("Hand-written loop, ticks: COPY to staging + INSERT … ON CONFLICT, "
                + consumersOfTicks + " consumer(s)", "binance-prices", from, "bench_loop_ticks",
                "stock.real_time_prices", HandLoop.Shape.TICKS, consumersOfTicks, HandLoop.Technique.COPY, n);
        if (warmup > 0) {
            double before = startMeasuredRoute("crypto-prices-to-postgres", "crypto-prices");
            awaitProgress("crypto-prices warm-up", () -> app.metric("crypto-prices", Kind.OUT) - before, warmup);
            stopAndEmpty("crypto-prices-to-postgres", "stock.real_time_prices");
        }
        ticksSink(from, n, start0 -> record("crypto-prices ticks: Kafka -> PostgreSQL stock.real_time_prices"
                + " (Camel route)", n, start0, null, null));
        pairs("crypto-prices ticks", "Hand-written loop, ticks", n,
                () -> {
                    stopAndEmpty("crypto-prices-to-postgres", "stock.real_time_prices");
                    return copyLoop("binance-prices", from, "bench_loop_ticks_again", "stock.real_time_prices",
                            HandLoop.Shape.TICKS, consumersOfTicks, n);
                },
                () -> ticksSink(from, n, start0 -> n / ((System.nanoTime() - start0) / 1e9)));

        io.camelpipelines.crypto.Candles candles = app.bean("candles", io.camelpipelines.crypto.Candles.class);
        resetPeakHeap();
        long t1 = System.nanoTime();
        int written = candles.rebuild(start, start.plusMillis(spanMs));
        record("crypto-prices candles (1m and 5m, " + written + " candles) from " + n + " ticks", n, t1, null, null);
    }

    /** Starts the stopped ticks sink from {@code from} and waits for {@code n} more ticks out; {@code done} measures them. */
    private double ticksSink(Map<TopicPartition, Long> from, int n, java.util.function.LongToDoubleFunction done)
            throws Exception {
        startGroupAt(app.property("crypto-prices.sink.group"), from);
        double outBefore = startMeasuredRoute("crypto-prices-to-postgres", "crypto-prices");
        long start = System.nanoTime();
        awaitProgress("crypto-prices ticks", () -> app.metric("crypto-prices", Kind.OUT) - outBefore, n);
        double rate = done.applyAsDouble(start);
        assertRows("stock.real_time_prices", n);
        return rate;
    }

    /** {@code n} ticks of two symbols spread over {@code spanMs} from {@code start}. */
    private void produceTicks(Instant start, long spanMs, int n) throws Exception {
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
    }

    private void awaitSlotActive(boolean active) throws Exception {
        String sql = "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name = '"
                + app.property("food-orders.capture.slot") + "'";
        long until = System.nanoTime() + STALL.toNanos();
        while ((queryLong(sql) > 0) != active) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the capture's replication slot is " + (active ? "not" : "still")
                        + " in use after " + STALL.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private long queryLong(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void createTable(String name, String like) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + name + " (LIKE " + like + " INCLUDING ALL)");
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

    /**
     * Starts a route the benchmark stopped, after checking that it is still stopped and that its pipeline's
     * counter stands still: a figure measured while something else moved the same records would be false.
     */
    private double startMeasuredRoute(String route, String pipeline) throws Exception {
        org.apache.camel.ServiceStatus status = app.context().getRouteController().getRouteStatus(route);
        if (status == null || !status.isStopped()) {
            throw new IllegalStateException("route " + route + " should be stopped before it is measured, but is " + status);
        }
        double before = app.metric(pipeline, Kind.OUT);
        TimeUnit.MILLISECONDS.sleep(500);
        if (app.metric(pipeline, Kind.OUT) != before) {
            throw new IllegalStateException("pipeline " + pipeline + " moved records while " + route + " was stopped");
        }
        resetPeakHeap();
        app.context().getRouteController().startRoute(route);
        return before;
    }

    /** Waits until {@code done} reaches {@code target}; fails with a message when it stops moving for STALL. */
    private static void awaitProgress(String what, java.util.function.DoubleSupplier done, long target)
            throws InterruptedException {
        double last = -1;
        long lastMove = System.nanoTime();
        while (true) {
            double now = done.getAsDouble();
            if (now >= target) {
                return;
            }
            if (now != last) {
                last = now;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                throw new IllegalStateException(what + " stalled at " + (long) now + " of " + target + " records for "
                        + STALL.toSeconds() + " s");
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
        double[] reference = references(name);
        r.put("ratio_to_same_technique_loop", reference != null ? round(rate / reference[0], 2) : null);
        r.put("ratio_to_best_loop", reference != null ? round(rate / reference[1], 2) : null);
        r.put("p50_ms", p50 == null ? null : round(p50, 1));
        r.put("p99_ms", p99 == null ? null : round(p99, 1));
        r.put("peak_heap_mb", peakHeapMb());
        r.put("jvm_cpu_s", round(jvmCpuSeconds() - jvmCpuStart, 1));
        r.put("postgres_cpu_s", round(postgresCpuSeconds() - postgresCpuStart, 1));
        r.put("jvm_cpu_s_per_million", round((jvmCpuSeconds() - jvmCpuStart) * 1e6 / n, 1));
        // a hand loop's consumers, or for a stage compared with one, the pipeline's: the threads that do the work
        long loopCpu = ConsumerCpu.loops() - loopCpuStart;
        long consumerCpu = loopCpu > 0 ? loopCpu : reference != null ? ConsumerCpu.pipelines() - pipelineCpuStart : -1;
        r.put("consumer_cpu_s_per_million", consumerCpu < 0 ? null : round(consumerCpu / 1e9 * 1e6 / n, 2));
        long[] background = postgresBackground();
        if (background.length == 3 && postgresBackgroundStart.length == 3
                && (background[0] > postgresBackgroundStart[0] || background[2] > postgresBackgroundStart[2])) {
            note(String.format("%s: PostgreSQL ran %d checkpoint(s) writing %,d buffers and %d autovacuum/autoanalyze "
                    + "run(s) meanwhile", name, background[0] - postgresBackgroundStart[0],
                    background[1] - postgresBackgroundStart[1], background[2] - postgresBackgroundStart[2]));
        }
        results.add(r);
        System.out.printf("%-90s %,10d rec/s%n", name, Math.round(rate));
        return rate;
    }

    /**
     * The hand-written loops a scenario is compared with, {same technique, best}: the click event loops for the
     * clickstream stage, the insertMany loop for product-views' store; null for the others.
     */
    private double[] references(String scenario) {
        if (sameTechniqueLoopRate > 0 && scenario.startsWith("clickstream pipeline")) {
            return new double[] {sameTechniqueLoopRate, bestLoopRate};
        }
        if (lakeLoopRate > 0 && scenario.startsWith("food-orders lake")) {
            return new double[] {lakeLoopRate, lakeLoopRate};
        }
        if (ticksLoopRate > 0 && scenario.startsWith("crypto-prices ticks")) {
            return new double[] {ticksLoopRate, ticksLoopRate};
        }
        if (mongoLoopRate > 0 && scenario.startsWith("product-views store")) {
            return new double[] {mongoLoopRate, mongoLoopRate};
        }
        if (flightsFoldLoopRate > 0 && scenario.startsWith("flights: Kafka")) {
            return new double[] {flightsFoldLoopRate, flightsBestLoopRate};
        }
        return null;
    }

    // what the per-pipeline benchmark classes use
    RunningApplication app() {
        return app;
    }

    String brokers() {
        return brokers;
    }

    DataSource db() {
        return db;
    }

    /** flights' references: the loop doing the pipeline's work (read, fold, conditional write), the fastest loop. */
    void flightsLoopRates(double sameWork, double best) {
        flightsFoldLoopRate = sameWork;
        flightsBestLoopRate = best;
    }

    void mongoLoopRate(double rate) {
        mongoLoopRate = rate;
    }

    void note(String text) {
        notes.add(text);
        System.out.println(text);
    }

    double measure(String name, long n, long startNanos) {
        return record(name, n, startNanos, null, null);
    }

    double startRoute(String route, String pipeline) throws Exception {
        return startMeasuredRoute(route, pipeline);
    }

    void resetPeak() {
        resetPeakHeap();
    }

    static void awaitCount(String what, java.util.function.DoubleSupplier done, long target) throws InterruptedException {
        awaitProgress(what, done, target);
    }

    static Duration stall() {
        return STALL;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private long[] postgresBackgroundStart = new long[0];

    private void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
        jvmCpuStart = jvmCpuSeconds();
        postgresCpuStart = postgresCpuSeconds();
        loopCpuStart = ConsumerCpu.loops();
        pipelineCpuStart = ConsumerCpu.pipelines();
        postgresBackgroundStart = postgresBackground();
    }

    /**
     * PostgreSQL's own work so far that no scenario asks for, which lands in whichever scenario runs when it comes:
     * {checkpoints, buffers they wrote, autovacuum and autoanalyze runs}; empty if the statistics cannot be read.
     */
    private long[] postgresBackground() {
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter), "
                     + "(SELECT buffers_checkpoint FROM pg_stat_bgwriter), "
                     + "(SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_all_tables)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        } catch (Exception e) {
            return new long[0];
        }
    }

    private static double jvmCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** CPU seconds of all PostgreSQL server processes (utime + stime from /proc), to show where a stage's time goes. */
    static double postgresCpuSeconds() {
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
                "partitions", PARTITIONS, "clickstream_consumers", app.property("clickstream.sink.consumers"),
                "postgres", "embedded 15, fsync=on, synchronous_commit=on",
                "note", "one JVM: the Kafka broker, PostgreSQL's client side, Camel and the load all share its heap and 2 cores"));
        doc.put("results", results);
        doc.put("notes", notes);
        Files.writeString(dir.resolve("latest.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");

        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("Run `mvn -Pbench -DskipTests verify` (").append(doc.get("date")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores). ")
                .append(String.format("%,d click events of %.0f bytes on average, %d partitions, batch size %,d, %s consumer(s);"
                        + " PostgreSQL embedded with fsync and synchronous_commit on. Everything runs in one JVM, so peak heap "
                        + "includes the Kafka broker.%n%n", records, avgBytes, PARTITIONS, batchSize, app.property("clickstream.sink.consumers")));
        md.append("Ratios: each pipeline stage against the hand-written kafka-clients loop with the best technique for its "
                + "sink and the same consumer count, on the same records in the same run: COPY to a staging table + one "
                + "INSERT … ON CONFLICT per poll for PostgreSQL (clickstream, crypto-prices ticks; flights adds one "
                + "Elasticsearch mget of the flights it has not written yet, the latest/lowest fold and one bulk with if_seq_no per poll, and its best loop "
                + "skips the read and the fold), insertMany (unordered) for MongoDB, a snappy Parquet file per date and poll "
                + "for the lake. For clickstream also against the "
                + "fastest of its three hand-written loops. The median of " + pairs + " pairs: for the PostgreSQL and MongoDB "
                + "stages, the stage and its loop measured again in turns (loop, then stage) on the same records after the "
                + "first pair, the median of the pairs' ratios and their range; one pair moved by up to a third between runs. JVM CPU s per 1M records is the whole JVM's CPU time (Kafka "
                + "broker included) over the scenario; consumer CPU s per 1M records is that of the threads that consume "
                + "and write only (camel-kafka's consumer threads for a pipeline stage, the loop's own for a loop), "
                + "which varies far less between runs.\n\n");
        md.append("| scenario | records | seconds | records/s | ratio to same-technique loop | median of " + pairs + " pairs "
                + "(range) | ratio to best loop | p50 ms | p99 ms | peak heap MB | CPU s: JVM / PostgreSQL | JVM CPU s per 1M "
                + "records | consumer CPU s per 1M records |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : results) {
            md.append(String.format("| %s | %,d | %s | %,d | %s | %s | %s | %s | %s | %,d | %s / %s | %s | %s |%n", r.get("scenario"),
                    r.get("records"), r.get("seconds"), r.get("records_per_s"), dash(r.get("ratio_to_same_technique_loop")),
                    dash(r.get("median_ratio_of_pairs")), dash(r.get("ratio_to_best_loop")), dash(r.get("p50_ms")),
                    dash(r.get("p99_ms")), r.get("peak_heap_mb"), r.get("jvm_cpu_s"), r.get("postgres_cpu_s"),
                    r.get("jvm_cpu_s_per_million"), dash(r.get("consumer_cpu_s_per_million"))));
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        Files.writeString(dir.resolve("latest.md"), md.toString());
        System.out.println();
        System.out.println(md);
    }

    private static String dash(Object v) {
        return v == null ? "–" : v.toString();
    }
}
