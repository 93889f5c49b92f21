package io.camelpipelines.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.process.ApplicationProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One instance of the shipped jar against two, against the same services (a third process, the {@code services}
 * command: Kafka, PostgreSQL, MongoDB, Elasticsearch), on the clickstream stage Kafka → PostgreSQL: the click events
 * are produced while the instances run, and the rate is events / time until the sink's group committed the last one
 * (it commits after the rows; the rows are counted once at the end). Each run has its
 * own topic and consumer group, so both start from nothing. Results: bench/results/scale-out.md and .json.
 */
final class ScaleOutBench {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int PARTITIONS = 4;

    private final int records;
    private final int consumersPerInstance;
    private final List<Map<String, Object>> results = new ArrayList<>();

    ScaleOutBench(int records, int consumersPerInstance) {
        this.records = records;
        this.consumersPerInstance = consumersPerInstance;
    }

    void run() throws Exception {
        ApplicationProcess services = ApplicationProcess.services("bench-scale-services", Map.of());
        try {
            Map<String, String> env = ApplicationProcess.readEnvFile(services.dataDir().resolve("services.env"));
            for (int instances : new int[] {1, 2}) {
                results.add(measure(instances, env, services));
            }
        } finally {
            services.close();
        }
        write();
    }

    private Map<String, Object> measure(int instances, Map<String, String> env, ApplicationProcess services)
            throws Exception {
        String topic = "bench-scale-" + instances + "-" + System.currentTimeMillis();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.get("KAFKA_BROKERS")))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        List<ApplicationProcess> running = new ArrayList<>();
        try {
            for (int i = 1; i <= instances; i++) {
                Map<String, String> props = new HashMap<>(Map.of(
                        "pipelines.instance-id", "bench-" + instances + "-" + i,
                        "clickstream.topic", topic,
                        "clickstream.sink.group", topic,
                        "clickstream.sink.consumers", String.valueOf(consumersPerInstance),
                        "clickstream.simulator.enabled", "false",
                        // the aggregation would compete for PostgreSQL while the sink is measured
                        "clickstream.aggregate.period", "1h",
                        "food-orders.enabled", "false",
                        "crypto-prices.enabled", "false",
                        "flights.enabled", "false",
                        "product-views.enabled", "false"));
                if (i > 1) {
                    props.put("pipelines.data-dir", running.get(0).dataDir().toString());
                }
                ApplicationProcess app = ApplicationProcess.prepare("bench-scale-" + instances + "-" + i, props);
                app.environment(env);
                app.start(null);
                running.add(app);
            }
            for (ApplicationProcess app : running) {
                app.awaitHealthy(Duration.ofMinutes(3));
            }
            String url = env.get("POSTGRES_URL");
            long before = rows(url, env);
            List<byte[]> events = Benchmark.events(records);
            double cpuBefore = cpuSeconds(running) + cpuSeconds(List.of(services)) + Benchmark.postgresCpuSeconds();
            long start = System.nanoTime();
            produce(env.get("KAFKA_BROKERS"), topic, events);
            // progress from the group's committed offsets (committed after the rows): counting rows every 100 ms
            // would scan a table of a million rows and take the cores the measurement needs
            long last = -1;
            long lastMove = System.nanoTime();
            while (true) {
                long now = committed(env.get("KAFKA_BROKERS"), topic);
                if (now >= records) {
                    break;
                }
                if (now != last) {
                    last = now;
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > Benchmark.stall().toNanos()) {
                    throw new IllegalStateException(instances + " instance(s) stalled at " + now + " of " + records);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long written = rows(url, env) - before;
            if (written != records) {
                throw new IllegalStateException(instances + " instance(s): " + written + " rows for " + records + " events");
            }
            double appCpu = cpuSeconds(running);
            double cpu = appCpu + cpuSeconds(List.of(services)) + Benchmark.postgresCpuSeconds() - cpuBefore;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("instances", instances);
            r.put("consumers", instances * consumersPerInstance);
            r.put("records", records);
            r.put("seconds", Math.round(seconds * 100) / 100.0);
            r.put("records_per_s", Math.round(records / seconds));
            r.put("cpu_s_all_processes", Math.round(cpu * 10) / 10.0);
            r.put("rss_mb_per_instance", running.stream().mapToLong(ApplicationProcess::rssMb).max().orElse(0));
            System.out.printf("scale-out: %d instance(s), %d consumers: %,d records/s%n", instances,
                    instances * consumersPerInstance, Math.round(records / seconds));
            return r;
        } finally {
            for (ApplicationProcess app : running) {
                app.close();
            }
        }
    }

    private static void produce(String brokers, String topic, List<byte[]> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] e : events) {
                producer.send(new ProducerRecord<>(topic, JSON.readTree(e).get("session_id").asText().getBytes(), e));
            }
            producer.flush();
        }
    }

    /** Records of the topic whose offsets the sink's group has committed. */
    private static long committed(String brokers, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
        }
    }

    private static long rows(String url, Map<String, String> env) throws Exception {
        try (Connection c = DriverManager.getConnection(url, env.getOrDefault("POSTGRES_USER", "pipelines"),
                env.getOrDefault("POSTGRES_PASSWORD", "pipelines")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM clickstream_data")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** utime + stime of the processes still running, in seconds. */
    private static double cpuSeconds(List<ApplicationProcess> processes) {
        return processes.stream().mapToDouble(ApplicationProcess::cpuSeconds).sum();
    }

    private void write() throws Exception {
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version")));
        doc.put("setup", Map.of("records", records, "partitions", PARTITIONS, "consumers_per_instance",
                consumersPerInstance, "stage", "clickstream: Kafka -> PostgreSQL clickstream_data",
                "processes", "services (Kafka, PostgreSQL, MongoDB, Elasticsearch) + 1 or 2 instances of the jar"));
        doc.put("results", results);
        Files.writeString(dir.resolve("scale-out.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc)
                + "\n");
        StringBuilder md = new StringBuilder("# Scale-out: one instance against two\n\n");
        md.append(String.format("Run `mvn -Pbench -DskipTests verify -Dbench.only=scale-out` (%s, %d cores). %,d click "
                + "events produced into a topic of %d partitions while the instances run; the rate is events / time until "
                + "the sink's consumer group has committed the last one (committed after its rows; the row count is checked once at the end). The services run in a third process; every process shares "
                + "the same cores.%n%n", doc.get("date"), Runtime.getRuntime().availableProcessors(), records, PARTITIONS));
        md.append("| instances | consumers | records | seconds | records/s | CPU s, all processes | RSS MB per instance |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : results) {
            md.append(String.format("| %s | %s | %,d | %s | %,d | %s | %,d |%n", r.get("instances"), r.get("consumers"),
                    r.get("records"), r.get("seconds"), r.get("records_per_s"), r.get("cpu_s_all_processes"),
                    r.get("rss_mb_per_instance")));
        }
        Files.writeString(dir.resolve("scale-out.md"), md.toString());
        System.out.println(md);
    }
}
