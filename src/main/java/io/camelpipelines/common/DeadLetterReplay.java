package io.camelpipelines.common;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Replay the DLQ" after a fix: republishes the dead letters of {@code <topic>.dlq} that were not replayed yet into
 * {@code <topic>}, original key and bytes, and remembers how far it got as the offsets of the consumer group
 * {@code <group-prefix><topic>}, committed only after the topic acknowledged every record. So a replay never sends a
 * dead letter twice, one interrupted midway resumes where it stopped, and a record that fails again is a new dead
 * letter, replayed only by a later call. The pipeline's sink is idempotent, so a record that made it meanwhile changes
 * nothing.
 */
public class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClients kafka;
    private final String groupPrefix;

    /** What one call did: how many dead letters went back, and the range of each DLQ partition. */
    public record Result(String topic, String deadLetterTopic, long replayed, Map<Integer, String> partitions) {
    }

    public DeadLetterReplay(KafkaClients kafka, String groupPrefix) {
        this.kafka = kafka;
        this.groupPrefix = groupPrefix;
    }

    public synchronized Result replay(String topic) throws Exception {
        if (topic == null || !TOPIC.matcher(topic).matches() || topic.endsWith(".dlq")) {
            throw new IllegalArgumentException("topic: a pipeline's topic name is expected, not '" + topic + "'");
        }
        String dlq = topic + ".dlq";
        requireTopics(topic, dlq);
        Map<String, Object> common = kafka.config();
        Map<String, Object> consumerConfig = new HashMap<>(common);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + topic);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerConfig = kafka.producerConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "camel-pipelines-dlq-replay"));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlq, TIMEOUT).stream()
                    .map(p -> new TopicPartition(dlq, p.partition())).toList();
            consumer.assign(partitions);
            // the end as it is now: dead letters that arrive during the replay (those failing again) wait for the next
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), TIMEOUT);
            Map<TopicPartition, Long> start = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    consumer.seek(tp, c.offset());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
                start.put(tp, consumer.position(tp, TIMEOUT));
            }
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            Map<TopicPartition, Long> next = new HashMap<>(start);
            while (next.entrySet().stream().anyMatch(e -> e.getValue() < end.get(e.getKey()))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue;
                    }
                    ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(topic, r.key(), r.value());
                    again.headers().add("dlq.replayed-from",
                            (dlq + "-" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
                    Header reason = r.headers().lastHeader("dlq.reason");
                    if (reason != null) {
                        again.headers().add("dlq.previous-reason", reason.value());
                    }
                    sent.add(producer.send(again));
                    next.put(tp, r.offset() + 1);
                }
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            next.forEach((tp, offset) -> done.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitSync(done, TIMEOUT);
            Map<Integer, String> ranges = new TreeMap<>();
            next.forEach((tp, offset) -> ranges.put(tp.partition(), start.get(tp) + ".." + offset));
            LOG.info("Replayed {} dead letter(s) of {} into {} (offsets per partition: {})", sent.size(), dlq, topic,
                    ranges);
            return new Result(topic, dlq, sent.size(), new LinkedHashMap<>(ranges));
        }
    }

    private void requireTopics(String topic, String dlq) throws Exception {
        try (Admin admin = Admin.create(kafka.config())) {
            Set<String> names = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                throw new NoSuchElementException("no topic '" + topic + "' on the local cluster (" + kafka.brokers() + ")");
            }
            if (!names.contains(dlq)) {
                throw new NoSuchElementException("topic '" + topic + "' has no dead letters: no topic '" + dlq + "'");
            }
        }
    }
}
