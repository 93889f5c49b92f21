package io.camelpipelines.bench;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;

/**
 * The Kafka -> MongoDB stage as a careful engineer writes it by hand with kafka-clients and the MongoDB driver:
 * {@code threads} consumers in one group, each polling up to {@code batchSize} views, parsing them with Jackson
 * into documents with the same fields the pipeline stores, one unordered {@code insertMany} per poll (a duplicate
 * id is skipped by the server, so a redelivery doubles nothing), then committing the offsets. The ceiling
 * product-views' store is compared with.
 */
final class MongoHandLoop {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final int DUPLICATE_KEY = 11000;

    private final String brokers;
    private final String topic;
    private final String group;
    private final MongoCollection<Document> collection;
    private final int batchSize;
    private final long target;
    private final AtomicLong written = new AtomicLong();

    MongoHandLoop(String brokers, String topic, String group, MongoCollection<Document> collection, int batchSize,
                  long target) {
        this.brokers = brokers;
        this.topic = topic;
        this.group = group;
        this.collection = collection;
        this.batchSize = batchSize;
        this.target = target;
    }

    /** Runs until {@code target} documents are written; fails if none is written for {@code stall}. */
    void run(int threads, Duration stall) throws Exception {
        HandLoop.runConsumers(threads, stall, written, target, "insertMany loop", this::consume);
    }

    private void consume() throws Exception {
        Properties p = HandLoop.manualCommit(brokers, group, batchSize);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (written.get() < target) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                List<Document> documents = new ArrayList<>(batch.count());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    documents.add(document(JSON.readValue(r.value(), MAP)));
                }
                int inserted = documents.size();
                try {
                    collection.insertMany(documents, new InsertManyOptions().ordered(false));
                } catch (MongoBulkWriteException e) {
                    if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != DUPLICATE_KEY)) {
                        throw e;
                    }
                    inserted -= e.getWriteErrors().size();
                }
                try {
                    consumer.commitSync();
                } catch (org.apache.kafka.clients.consumer.CommitFailedException
                         | org.apache.kafka.common.errors.RebalanceInProgressException rebalanced) {
                    // the partitions moved: their new owner gets these views again and the duplicate ids are skipped
                }
                written.addAndGet(inserted);
            }
        }
    }

    private static Document document(Map<String, Object> view) {
        Instant at = Instant.ofEpochSecond(((Number) view.get("time_stamp")).longValue());
        Document d = new Document("_id", view.get("id"));
        view.forEach((k, v) -> {
            if (!k.equals("id")) {
                d.append(k, v);
            }
        });
        return d.append("view_time", Date.from(at))
                .append("view_date", LocalDate.ofInstant(at, ZoneOffset.UTC).toString())
                .append("stored_at", new Date());
    }
}
