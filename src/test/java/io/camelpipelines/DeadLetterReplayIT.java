package io.camelpipelines;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.common.SharedConnections;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** POST /api/dlq/&lt;topic&gt;/replay: each dead letter goes back once, in order, and after a fix reaches its sink. */
class DeadLetterReplayIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();
    private final String brokers = app.property("kafka.brokers");

    @Test
    void eachDeadLetterIsReplayedOnceWithItsKeyAndBytesAndTheNextCallOnlyTakesNewOnes() throws Exception {
        String topic = "it-replay-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1), new NewTopic(topic + ".dlq", 2, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<Map.Entry<String, String>> first = letters("a", 5);
        sendDeadLetters(topic, first);

        JsonNode answer = replay(topic, 200);
        assertThat(answer.path("replayed").asLong()).isEqualTo(5);
        assertThat(answer.path("deadLetterTopic").asText()).isEqualTo(topic + ".dlq");
        assertThat(readAll(topic)).containsExactlyInAnyOrderElementsOf(first);

        assertThat(replay(topic, 200).path("replayed").asLong()).as("nothing new to replay").isZero();
        assertThat(readAll(topic)).hasSize(5);

        List<Map.Entry<String, String>> second = letters("b", 3);
        sendDeadLetters(topic, second);
        assertThat(replay(topic, 200).path("replayed").asLong()).isEqualTo(3);
        List<Map.Entry<String, String>> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(readAll(topic)).containsExactlyInAnyOrderElementsOf(all);
    }

    /** A record the database refused goes to the DLQ; the rule is lifted (the fix); the replay stores it, once. */
    @Test
    void afterAFixTheReplayedRecordsReachTheSinkOnce() throws Exception {
        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        String page = "/replay-" + UUID.randomUUID();
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            st.execute("ALTER TABLE clickstream_data ADD CONSTRAINT it_replay_page CHECK (page_url <> '" + page + "')");
        }
        List<Map.Entry<String, String>> refused = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                refused.add(Map.entry("s-" + i, "{\"event_id\":\"replay-" + UUID.randomUUID() + "\",\"session_id\":\"s-" + i
                        + "\",\"timestamp\":\"" + Instant.now() + "\",\"page_url\":\"" + page + "\"}"));
            }
            TopicRecords.send(brokers, "clickstream", refused);
            TopicRecords.deadLettersContaining(brokers, "clickstream", page, refused.size(), Duration.ofSeconds(60));
            assertThat(rows(db, page)).isZero();
        } finally {
            try (Connection c = db.getConnection(); var st = c.createStatement()) {
                st.execute("ALTER TABLE clickstream_data DROP CONSTRAINT it_replay_page");
            }
        }

        JsonNode answer = replay("clickstream", 200);
        assertThat(answer.path("replayed").asLong()).isGreaterThanOrEqualTo(refused.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(db, page) == refused.size());
        // the dead letters other tests left that fail again are handled before the next test counts its own
        await().atMost(Duration.ofSeconds(60)).until(() -> lag(app.property("clickstream.sink.group"), "clickstream") == 0);
        assertThat(rows(db, page)).isEqualTo(refused.size());
    }

    @Test
    void anUnknownTopicIs404AndAMalformedName400() throws Exception {
        assertThat(replay("no-such-topic-" + UUID.randomUUID(), 404).path("error").asText()).contains("no topic");
        assertThat(replay("clickstream.dlq", 400).path("error").asText()).contains("topic");
        assertThat(app.get("/api/dlq/clickstream/replay").statusCode()).as("GET is not a replay").isEqualTo(405);
    }

    private JsonNode replay(String topic, int status) throws Exception {
        var r = app.post("/api/dlq/" + topic + "/replay", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private static List<Map.Entry<String, String>> letters(String prefix, int n) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.entry(prefix + "-key-" + i, "{\"n\":" + i + ",\"id\":\"" + prefix + UUID.randomUUID() + "\"}"));
        }
        return out;
    }

    private void sendDeadLetters(String topic, List<Map.Entry<String, String>> letters) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> l : letters) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic + ".dlq", l.getKey(), l.getValue());
                r.headers().add("dlq.reason", "it: test".getBytes(StandardCharsets.UTF_8));
                p.send(r);
            }
            p.flush();
        }
    }

    /** Every record of the topic from the beginning to its current end, each checked for its replay header. */
    private List<Map.Entry<String, String>> readAll(String topic) throws Exception {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "it-read-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    assertThat(r.headers().lastHeader("dlq.replayed-from")).isNotNull();
                    out.add(Map.entry(r.key(), r.value()));
                }
                return parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return out;
    }

    private long lag(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : latest.keySet()) {
                lag += ends.get(tp).offset() - committed.get(tp).offset();
            }
            return lag;
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
    }

    private static long rows(DataSource db, String page) throws Exception {
        return SqlCount.of(db, "SELECT count(*) FROM clickstream_data WHERE page_url = ?", page);
    }
}
