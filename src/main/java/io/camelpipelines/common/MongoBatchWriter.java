package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import org.apache.camel.Exchange;
import org.bson.Document;

/**
 * A batch of parsed records into a MongoDB collection in one unordered bulk write, each replacing (or inserting)
 * the document with its natural {@code _id}: a redelivered batch or a record sent twice leaves one document. A
 * document MongoDB refuses for itself (too large, invalid) becomes a dead letter; a server that does not answer
 * fails the batch, which the batch sink retries with backoff.
 */
public class MongoBatchWriter<T> {

    private final String pipeline;
    private final MongoClient client;
    private final String database;
    private final String collection;
    private final Function<T, Document> toDocument;
    private final PipelineMetrics metrics;

    public MongoBatchWriter(String pipeline, MongoClient client, String database, String collection,
                            Function<T, Document> toDocument, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.client = client;
        this.database = database;
        this.collection = collection;
        this.toDocument = toDocument;
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
        List<WriteModel<Document>> writes = new ArrayList<>(records.size());
        for (ParsedRecord<T> r : records) {
            Document doc = toDocument.apply(r.value());
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true)));
        }
        List<DeadLetter> refused = new ArrayList<>();
        try {
            collection().bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                // two upserts of the same new _id in one batch race; the other one stored it
                if (error.getCode() == 11000) {
                    continue;
                }
                refused.add(KafkaRecordBatch.deadLetter(records.get(error.getIndex()).source(),
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
