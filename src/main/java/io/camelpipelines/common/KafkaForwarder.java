package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sink of a bridge between two Kafka clusters: a batch of parsed records, sent as JSON to a topic of the
 * local cluster, each under its key, and acknowledged by it before the batch's offsets on the source cluster are
 * committed. A record the local cluster refuses for itself (too large) becomes a dead letter; a cluster that does
 * not answer fails the batch, which is retried whole (records sent twice meet idempotent sinks downstream).
 */
public class KafkaForwarder<T extends KafkaMessages.Keyed> extends org.apache.camel.support.service.ServiceSupport {

    private final String pipeline;
    private final String topic;
    private final PipelineMetrics metrics;
    private final KafkaClients kafka;
    private KafkaProducer<String, byte[]> producer;

    public KafkaForwarder(String pipeline, KafkaClients kafka, String topic, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.topic = topic;
        this.metrics = metrics;
        this.kafka = kafka;
    }

    // created at the first batch: a disabled pipeline opens no connection
    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.producerConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.CLIENT_ID_CONFIG, pipeline + "-forwarder",
                "enable.metrics.push", false)), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @SuppressWarnings("unchecked")
    public void write(Exchange exchange) throws Exception {
        List<ParsedRecord<T>> records = exchange.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        KafkaProducer<String, byte[]> producer = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ParsedRecord<T> r : records) {
            sent.add(producer.send(new ProducerRecord<>(topic, r.value().kafkaKey(), Json.ISO_TIMES.writeValueAsBytes(r.value()))));
        }
        producer.flush();
        List<DeadLetter> refused = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RecordTooLargeException || e.getCause() instanceof InvalidTopicException) {
                    refused.add(KafkaRecordBatch.deadLetter(records.get(i).source(),
                            "refused by the local cluster: " + e.getCause().getMessage(), exchange.getFromRouteId()));
                } else {
                    throw e;
                }
            }
        }
        if (!refused.isEmpty()) {
            List<DeadLetter> all = new ArrayList<>(exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class));
            all.addAll(refused);
            exchange.setProperty(KafkaRecordBatch.DEAD_LETTERS, all);
        }
        metrics.count(pipeline, PipelineMetrics.Kind.OUT, records.size() - refused.size());
    }

    @Override
    protected synchronized void doStop() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
            producer = null;
        }
    }
}
