package io.camelpipelines.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker of its own, apart from the suite's shared ones: its start is the subject. */
class KafkaBrokerIT {

    @TempDir
    Path logDir;

    @Test
    void aListenerPortTakenBeforeTheBrokerBindsItIsPickedAgainAndTheBrokerServes() throws Exception {
        // the first port picked is the listener's
        startWithTheNthPickTaken(1);
    }

    @Test
    void aControllerPortTakenBeforeTheBrokerBindsItIsPickedAgainInsteadOfKafkaHaltingTheJvm() throws Exception {
        // the second port picked is the controller's: Kafka's fault handler halts the JVM when that one fails
        startWithTheNthPickTaken(2);
    }

    private void startWithTheNthPickTaken(int n) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger picks = new AtomicInteger();
            KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, 0, 1, logDir, null)
                    .freePorts(host -> picks.incrementAndGet() == n ? taken.getLocalPort() : Ports.free(host));
            try {
                broker.start();
                assertThat(picks.get()).as("ports picked: two per attempt").isEqualTo(4);
                assertThat(broker.controllerPort()).isNotZero().isNotEqualTo(taken.getLocalPort());
                assertThat(broker.bootstrap()).doesNotEndWith(":" + taken.getLocalPort());
                assertThat(roundTrip(broker.bootstrap(), List.of("a", "b", "c"))).containsExactly("a", "b", "c");
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void aConfiguredPortThatIsTakenStopsTheStartWithTheSettingToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, taken.getLocalPort(), 1, logDir, null);
            assertThatThrownBy(broker::start).isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("kafka.embedded.controller-port");
            broker.close();
        }
    }

    @Test
    void aCompactedTopicWithMoreKeysThanTheCleanersMapHoldsIsCompactedInFull() throws Exception {
        // 24 bytes a key at a load of 0.9: the keys one pass of the cleaner maps, and twice as many written
        int keys = 2 * (int) (KafkaBroker.DEDUPE_BUFFER_BYTES / 24 * 0.9);
        KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, 0, 1, logDir, null);
        try {
            broker.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("compacted-it", 1, (short) 1).configs(Map.of(
                        "cleanup.policy", "compact", "segment.bytes", "100000", "min.cleanable.dirty.ratio", "0.01",
                        "delete.retention.ms", "0")))).all().get(30, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.putAll(Map.of("bootstrap.servers", broker.bootstrap(), "key.serializer", StringSerializer.class.getName(),
                    "value.serializer", StringSerializer.class.getName(), "linger.ms", "20"));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (String round : List.of("first", "second")) {
                    for (int k = 0; k < keys; k++) {
                        producer.send(new ProducerRecord<>("compacted-it", "k" + k, round));
                    }
                }
                // other keys after them (several segments of them), so that every "second" record is in a closed segment,
                // which the cleaner takes
                for (int f = 0; f < 20_000; f++) {
                    producer.send(new ProducerRecord<>("compacted-it", "filler" + f, "x"));
                }
                producer.flush();
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                Map<String, List<String>> read = readAll(broker.bootstrap(), "compacted-it");
                List<String> keyed = read.entrySet().stream().filter(e -> e.getKey().startsWith("k"))
                        .flatMap(e -> e.getValue().stream()).toList();
                assertThat(keyed).as("records of the %d keys", keys).hasSize(keys).containsOnly("second");
            });
        } finally {
            broker.close();
        }
    }

    @Test
    void theKraftLogsIdleBuffersAreGivenBackAndTheBrokerServesOnKeepingOneAtMost() throws Exception {
        KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, 0, 1, logDir, null);
        try {
            broker.start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                // a burst of metadata, as the pipelines' configuration makes at start
                admin.createTopics(java.util.stream.IntStream.range(0, 40).mapToObj(i -> new NewTopic("burst-" + i, 4,
                        (short) 1)).toList()).all().get(60, TimeUnit.SECONDS);
            }
            assertThat(broker.releaseIdleRaftBuffers()).as("idle buffers found (-1: not in this Kafka version)")
                    .isGreaterThanOrEqualTo(0);
            assertThat(roundTrip(broker.bootstrap(), List.of("a", "b", "c"))).containsExactly("a", "b", "c");
            // the controller's no-op records every 500 ms take a buffer again, one at a time
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(broker.releaseIdleRaftBuffers()).isBetween(0, 1));
        } finally {
            broker.close();
        }
    }

    /** Every record of a one-partition topic from its start, values by key. */
    private static Map<String, List<String>> readAll(String bootstrap, String topic) {
        Properties c = new Properties();
        c.putAll(Map.of("bootstrap.servers", bootstrap, "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Map<String, List<String>> read = new java.util.HashMap<>();
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.computeIfAbsent(r.key(), k -> new java.util.ArrayList<>()).add(r.value());
                }
            }
            return read;
        }
    }

    private static List<String> roundTrip(String bootstrap, List<String> values) throws Exception {
        Properties p = new Properties();
        p.putAll(Map.of("bootstrap.servers", bootstrap, "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String v : values) {
                producer.send(new ProducerRecord<>("retry-it", 0, null, v)).get();
            }
        }
        Properties c = new Properties();
        c.putAll(Map.of("bootstrap.servers", bootstrap, "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName(), "auto.offset.reset", "earliest"));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition("retry-it", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> read = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < values.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
            return read;
        }
    }
}
