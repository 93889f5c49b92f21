package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.WriteModel;
import org.apache.camel.Exchange;
import org.bson.Document;
import org.bson.RawBsonDocument;

/**
 * A batch of parsed records into a MongoDB collection in one unordered bulk insert ({@code insertMany}), each
 * document with its natural {@code _id}: a document already there (a redelivered batch, a record sent twice) is a
 * duplicate-key error the server reports for that document alone, and is skipped, so the first one stays, as
 * {@code ON CONFLICT DO NOTHING} does in PostgreSQL. An insert needs no lookup and no replacement, which made it
 * twice as fast as bulk upserts in the benchmark. A document MongoDB refuses for itself (too large, invalid)
 * becomes a dead letter; a server that does not answer fails the batch, which the batch sink retries with backoff.
 * Each record is encoded to BSON by its pipeline's encoder, field by field (the driver's own encoding of a
 * {@code Document} looks up a codec per value), a new encoder for each batch ({@code encoders}), which may then
 * write the whole batch into one buffer.
 */
public class MongoBatchWriter<T> {

    private static final int DUPLICATE_KEY = 11000;

    private final String pipeline;
    private final MongoClient client;
    private final String database;
    private final String collection;
    private final Supplier<Function<T, RawBsonDocument>> encoders;
    private final PipelineMetrics metrics;

    public MongoBatchWriter(String pipeline, MongoClient client, String database, String collection,
                            Supplier<Function<T, RawBsonDocument>> encoders, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.client = client;
        this.database = database;
        this.collection = collection;
        this.encoders = encoders;
        this.metrics = metrics;
    }

    public MongoCollection<Document> collection() {
        return client.getDatabase(database).getCollection(collection);
    }

    @SuppressWarnings("unchecked")
    public void write(Exchange exchange) {
        List<ParsedRecord<T>> records = exchange.getMessage().getBody(List.class);
        if (records == null || records.isEmpty()) {
            return;
        }
        List<WriteModel<RawBsonDocument>> writes = new ArrayList<>(records.size());
        List<ParsedRecord<T>> sent = new ArrayList<>(records.size());
        List<DeadLetter> refused = new ArrayList<>();
        Function<T, RawBsonDocument> toDocument = encoders.get();
        for (ParsedRecord<T> r : records) {
            try {
                writes.add(new InsertOneModel<>(toDocument.apply(r.value())));
                sent.add(r);
            } catch (org.bson.BSONException | org.bson.codecs.configuration.CodecConfigurationException e) {
                // a value BSON has no type for (an integer beyond 64 bits): this record alone, before the batch
                refused.add(KafkaRecordBatch.deadLetter(r.source(), "cannot be written as BSON: " + e.getMessage(),
                        exchange.getFromRouteId()));
            }
        }
        try {
            if (!writes.isEmpty()) {
                collection().withDocumentClass(RawBsonDocument.class).bulkWrite(writes, new BulkWriteOptions().ordered(false));
            }
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                // already stored: by an earlier delivery, or by the same record twice in this batch
                if (error.getCode() == DUPLICATE_KEY) {
                    continue;
                }
                refused.add(KafkaRecordBatch.deadLetter(sent.get(error.getIndex()).source(),
                        "refused by MongoDB (" + error.getCode() + "): " + error.getMessage(), exchange.getFromRouteId()));
            }
        }
        if (!refused.isEmpty()) {
            List<DeadLetter> all = new ArrayList<>(exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class));
            all.addAll(refused);
            exchange.setProperty(KafkaRecordBatch.DEAD_LETTERS, all);
        }
        metrics.count(pipeline, PipelineMetrics.Kind.OUT, records.size() - refused.size());
    }
}
