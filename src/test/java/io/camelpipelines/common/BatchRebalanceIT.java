package io.camelpipelines.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import io.camelpipelines.RunningApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.support.KafkaRecordProcessor;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a batch sink meets across rebalances, played against the real broker.
 * <p>
 * Stale records: records gathered
 * for a batch, a second member joining the group (every partition revoked, one given back) and leaving without a
 * commit (all given back, fetched again from the start). The gathered records then hold the same offsets twice;
 * {@link AssignmentTrackingConsumer#current} keeps each record once, the copy fetched under the current assignment.
 * The exchanges are built with camel-kafka's own header code, each right after the poll that fetched its record,
 * as camel-kafka builds them, with the manual commit {@link AssignedCommits} makes.
 */
class BatchRebalanceIT {

    private static final int RECORDS = 200;

    private final RunningApplication app = RunningApplication.get();

    @Test
    void recordsGatheredBeforeARebalanceAreDroppedForTheirFreshCopies() throws Exception {
        String brokers = app.property("kafka.brokers");
        String topic = "assignment-it-" + UUID.randomUUID();
        String group = topic + "-group";
        topicWith(brokers, topic, RECORDS);
        Properties props = new Properties();
        props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500"));
        List<Exchange> batch = new ArrayList<>();
        try (AssignmentTrackingConsumer consumer = new AssignmentTrackingConsumer(props)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                gather(consumer, batch);
                return batch.size() >= RECORDS;
            });

            Properties otherProps = new Properties();
            otherProps.putAll(props);
            try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(otherProps)) {
                other.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    other.poll(Duration.ofMillis(100));
                    gather(consumer, batch);
                    return !other.assignment().isEmpty() && !consumer.assignment().isEmpty();
                });
            }
            // the other member left without committing: both partitions come back, fetched again from the start
            java.util.concurrent.atomic.AtomicInteger fresh = new java.util.concurrent.atomic.AtomicInteger();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                int polled = gather(consumer, batch);
                if (consumer.assignment().size() == 2) {
                    fresh.addAndGet(polled);
                }
                return fresh.get() >= RECORDS;
            });

            Set<String> raw = new HashSet<>();
            long repeated = batch.stream().filter(e -> !raw.add(position(e))).count();
            assertThat(repeated).as("records gathered twice (the rebalance this test is about happened)").isPositive();

            List<Exchange> current = AssignmentTrackingConsumer.current(batch);
            List<String> positions = current.stream().map(BatchRebalanceIT::position).toList();
            assertThat(positions).doesNotHaveDuplicates();
            Set<String> expected = new HashSet<>();
            for (int p = 0; p < 2; p++) {
                for (int o = 0; o < RECORDS / 2; o++) {
                    expected.add(p + "@" + o);
                }
            }
            assertThat(new HashSet<>(positions)).isEqualTo(expected);
        }
    }

    /**
     * A consumer that stops polling for longer than its max.poll.interval.ms (a long pause) is evicted and its
     * partitions given to another member; when it resumes with the batch it was writing, the coordinator tells it
     * that it no longer owns them, before it replaces any file.
     */
    @Test
    void aConsumerEvictedWhileItWroteIsToldItNoLongerOwnsItsPartitions() throws Exception {
        String brokers = app.property("kafka.brokers");
        String topic = "ownership-it-" + UUID.randomUUID();
        topicWith(brokers, topic, 20);
        Properties props = new Properties();
        props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.GROUP_ID_CONFIG, topic,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "2000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300"));
        List<ConsumerRecord<Object, Object>> gathered = new ArrayList<>();
        try (AssignmentTrackingConsumer paused = new AssignmentTrackingConsumer(props)) {
            paused.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                paused.poll(Duration.ofMillis(100)).forEach(gathered::add);
                return gathered.size() >= 20;
            });
            List<Exchange> batch = new ArrayList<>();
            for (ConsumerRecord<Object, Object> r : gathered) {
                batch.add(CamelKafkaExchanges.of(app.context(), paused, r));
            }
            assertThat(PartitionOwnership.confirm(batch)).as("owner while it polls").isTrue();

            // it stops polling; another member joins and, once the paused one is evicted, owns both partitions
            Properties otherProps = new Properties();
            otherProps.putAll(props);
            otherProps.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "300000");
            try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(otherProps)) {
                other.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    other.poll(Duration.ofMillis(100));
                    return other.assignment().size() == 2;
                });
                assertThat(PartitionOwnership.confirm(batch)).as("owner after its eviction").isFalse();
            }
        }
    }

    /** One poll's records as camel-kafka's batching consumer takes them: an exchange each, before the next poll. */
    private int gather(AssignmentTrackingConsumer consumer, List<Exchange> batch) {
        var polled = consumer.poll(Duration.ofMillis(100));
        polled.forEach(r -> batch.add(CamelKafkaExchanges.of(app.context(), consumer, r)));
        return polled.count();
    }

    /** A topic of two partitions holding n records, alternately in each. */
    private static void topicWith(String brokers, String topic, int n) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", brokers),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "record " + i));
            }
        }
    }

    private static String position(Exchange e) {
        return e.getMessage().getHeader(KafkaConstants.PARTITION) + "@" + e.getMessage().getHeader(KafkaConstants.OFFSET);
    }

    /** The exchange camel-kafka makes of a record: its metadata headers, its Kafka headers, its manual commit. */
    private static final class CamelKafkaExchanges extends KafkaRecordProcessor {
        private static final KafkaConfiguration CONFIGURATION = new KafkaConfiguration();

        static Exchange of(CamelContext context, AssignmentTrackingConsumer consumer, ConsumerRecord<Object, Object> r) {
            Exchange exchange = new DefaultExchange(context);
            CamelKafkaExchanges processor = new CamelKafkaExchanges();
            processor.setupExchangeMessage(exchange.getMessage(), r);
            processor.propagateHeaders(CONFIGURATION, r, exchange);
            exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new AssignedCommits().newInstance(
                    new KafkaManualCommitFactory.CamelExchangePayload(exchange, consumer, "test", null),
                    new KafkaManualCommitFactory.KafkaRecordPayload(new TopicPartition(r.topic(), r.partition()),
                            r.offset(), 5000), null));
            return exchange;
        }
    }
}
