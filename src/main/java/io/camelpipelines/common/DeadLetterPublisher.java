package io.camelpipelines.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends dead letters to {@code <topic>.dlq} (original key and bytes; headers dlq.reason, dlq.route,
 * dlq.timestamp, dlq.origin) and waits for Kafka's acknowledgement, so that the batch's offsets are
 * committed only once its rejects are safe too. Every dead letter is also logged with its origin.
 */
public class DeadLetterPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final KafkaClients kafka;
    private final PipelineMetrics metrics;
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile RecentDeadLetters recent;

    public DeadLetterPublisher(KafkaClients kafka, PipelineMetrics metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /** Also keeps the latest dead letters' reasons there, for the dashboard. */
    public void noteLatestIn(RecentDeadLetters recent) {
        this.recent = recent;
    }

    /** Publishes the dead letters a batch collected (exchange property), counted under the pipeline. */
    @SuppressWarnings("unchecked")
    public void publishBatch(Exchange exchange, String pipeline) throws Exception {
        List<DeadLetter> letters = exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class);
        if (letters != null && !letters.isEmpty()) {
            publish(pipeline, letters);
        }
    }

    public void publish(String pipeline, List<DeadLetter> letters) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        String now = Instant.now().toString();
        for (DeadLetter d : letters) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(d.topic() + ".dlq", d.key(), d.value());
            header(r, "dlq.reason", d.reason());
            header(r, "dlq.route", d.route());
            header(r, "dlq.timestamp", now);
            header(r, "dlq.origin", d.origin());
            sent.add(producer().send(r));
            LOG.warn("{}: record {} to {}.dlq: {}", pipeline, d.origin(), d.topic(), d.reason());
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS);
        }
        metrics.count(pipeline, PipelineMetrics.Kind.DLQ, letters.size());
        RecentDeadLetters noted = recent;
        if (noted != null) {
            noted.note(pipeline, letters, Instant.parse(now));
        }
    }

    private static void header(ProducerRecord<byte[], byte[]> r, String name, String value) {
        if (value != null) {
            r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(kafka.producerConfig(Map.of(
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.CLIENT_ID_CONFIG, "camel-pipelines-dlq")),
                            new ByteArraySerializer(), new ByteArraySerializer());
                }
            }
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
