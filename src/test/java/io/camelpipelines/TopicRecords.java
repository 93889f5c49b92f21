package io.camelpipelines;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import static org.awaitility.Awaitility.await;

/** What a test writes to a pipeline's topic as another producer would, and reads back from its dead-letter topic. */
public final class TopicRecords {

    /** A record of a dead-letter topic: the original key and value, and the headers' reason and route. */
    public record DeadLetter(String key, String value, String reason, String route) {
    }

    private TopicRecords() {
    }

    /** Sends the values (key, value) to the topic in this order, in one producer session, and waits for the acks. */
    public static void send(String brokers, String topic, List<Map.Entry<String, String>> records) throws Exception {
        send(brokers, topic, records, Map.of());
    }

    /** As {@link #send(String, String, List)}, with client settings such as a SASL login. */
    public static void send(String brokers, String topic, List<Map.Entry<String, String>> records,
                            Map<String, Object> settings) throws Exception {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> r : records) {
                producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
            }
            producer.flush();
        }
    }

    /**
     * Reads {@code <topic>.dlq} from the beginning until a dead letter was found for every one of the values (the
     * original bytes are the dead letter's value); returns value -> dead letter for every dead letter read, so a
     * test can also check what is not there.
     */
    public static Map<String, DeadLetter> deadLetters(String brokers, String topic, Collection<String> values,
                                                      Duration timeout) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, DeadLetter> found = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic + ".dlq"));
            await().atMost(timeout).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    found.put(r.value(), new DeadLetter(r.key(), r.value(), header(r, "dlq.reason"), header(r, "dlq.route")));
                }
                return found.keySet().containsAll(values);
            });
        }
        return found;
    }

    /** Reads {@code <topic>.dlq} from the beginning until {@code n} dead letters whose value contains the marker. */
    public static List<DeadLetter> deadLettersContaining(String brokers, String topic, String marker, int n,
                                                         Duration timeout) {
        return deadLettersWhere(brokers, topic, d -> d.value() != null && d.value().contains(marker), n, timeout);
    }

    /** Reads {@code <topic>.dlq} from the beginning until {@code n} dead letters match. */
    public static List<DeadLetter> deadLettersWhere(String brokers, String topic,
                                                    java.util.function.Predicate<DeadLetter> match, int n,
                                                    Duration timeout) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<DeadLetter> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic + ".dlq"));
            await().atMost(timeout).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    DeadLetter d = new DeadLetter(r.key(), r.value(), header(r, "dlq.reason"), header(r, "dlq.route"));
                    if (match.test(d)) {
                        found.add(d);
                    }
                }
                return found.size() >= n;
            });
        }
        return found;
    }

    /**
     * Reads every committed record of a topic from the beginning to its end as it is now: key made of each value
     * -> how many records carry it.
     */
    public static Map<String, Integer> countAll(String brokers, String topic, Map<String, Object> settings,
                                                java.util.function.Function<String, String> keyOfValue) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    counts.merge(keyOfValue.apply(r.value()), 1, Integer::sum);
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return counts;
    }

    /**
     * How many records were ever written to a topic (the sum of its partitions' end offsets), read through one
     * consumer kept open across the broker's restarts: while the broker is down it answers -1 within seconds.
     */
    public static final class EndOffsets implements AutoCloseable {
        private final String topic;
        private final KafkaConsumer<String, String> consumer;

        public EndOffsets(String brokers, String topic, Map<String, Object> settings) {
            this.topic = topic;
            Properties p = new Properties();
            p.putAll(settings);
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
            p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
            this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        }

        public long sum() {
            try {
                List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
                return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            } catch (org.apache.kafka.common.KafkaException brokerDown) {
                return -1;
            }
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
