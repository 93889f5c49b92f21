package io.camelpipelines.bench;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.PipelineMetrics.Kind;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.infra.KafkaBroker;
import io.camelpipelines.productviews.ProductViewDocuments;
import io.camelpipelines.productviews.ProductViewGenerator;
import io.camelpipelines.productviews.ProductViewGenerator.UpstreamView;
import io.camelpipelines.productviews.ProductViewParser;
import io.camelpipelines.productviews.ProductViewReports;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;

/**
 * product-views' scenarios: upstream-format views written to the remote (SASL) cluster, then the bridge to the local
 * topic, the hand-written insertMany loop and the store on the same views, the heap each stored document takes in
 * the embedded MongoDB, and the three daily reports over a store filled up to {@code reportViews} views.
 */
final class ProductViewsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Benchmark bench;
    private final RunningApplication app;

    ProductViewsBench(Benchmark bench) {
        this.bench = bench;
        this.app = bench.app();
    }

    void run(int views, int reportViews) throws Exception {
        ProductViewGenerator generator = new ProductViewGenerator(1, 3, 5_000, 50_000);
        Instant now = Instant.now();
        produceToRemote(generator.next(views, now));
        Map<TopicPartition, Long> from = bench.latestOffsets(app.property("product-views.topic"));

        double bridged = bench.startRoute("product-views-bridge", "product-views");
        long t0 = System.nanoTime();
        Benchmark.awaitCount("product-views bridge", () -> app.metric("product-views", Kind.OUT) - bridged, views);
        bench.measure("product-views bridge: remote Kafka (SASL) -> local processed_product_views (Camel route)", views, t0);

        MongoClient mongo = app.bean(SharedConnections.MONGO_CLIENT, MongoClient.class);
        var db = mongo.getDatabase(app.property("product-views.store.database"));
        int consumers = Integer.parseInt(app.property("product-views.store.consumers"));
        int batchSize = Integer.parseInt(app.property("product-views.store.batch-size"));
        MongoCollection<Document> store = db.getCollection(app.property("product-views.store.collection"));
        MongoCollection<Document> loop = db.getCollection("bench_loop_views");
        loop.drop();
        // the store's secondary indexes (the reports' view_date keys) on the loop's collection too, so that against a
        // real MongoDB, where each insert updates them, both sides do the same work; the embedded server records
        // them and maintains none (its EmptyIndex), so here they cost neither side anything
        for (Document index : store.listIndexes()) {
            if (!"_id_".equals(index.getString("name"))) {
                loop.createIndex(index.get("key", Document.class));
            }
        }
        if (loop.listIndexes().into(new ArrayList<>()).size() != store.listIndexes().into(new ArrayList<>()).size()) {
            throw new IllegalStateException("the loop's collection lacks some of the store's indexes");
        }
        // the store starts right after the collections that measure its heap per view: so does the loop
        long looped = mongoLoop(loop, consumers, batchSize, views);
        double loopRate = bench.measure("Hand-written loop, kafka-clients -> MongoDB insertMany (unordered), " + consumers
                + " consumer(s)", views, System.nanoTime() - looped);
        bench.mongoLoopRate(loopRate);

        long heapBefore = usedHeapAfterGc();
        long stored = storeViews(store, views);
        bench.measure("product-views store: Kafka -> MongoDB product_views_records, unordered bulk"
                + " insert by _id (Camel route)", views, System.nanoTime() - stored);
        long perDocument = (usedHeapAfterGc() - heapBefore) / views;
        bench.note(String.format("product-views store: %,d bytes of heap per stored view in the embedded (in-memory) "
                + "MongoDB, measured after GC over %,d views; `product-views.store.max-views` bounds it", perDocument, views));
        bench.pairs("product-views store", "Hand-written loop, kafka-clients -> MongoDB", views,
                () -> {
                    // the store's views must not stay in the heap while the loop runs, nor the loop's after it
                    app.context().getRouteController().stopRoute("product-views-to-mongodb");
                    store.deleteMany(new Document());
                    return views / (mongoLoop(loop, consumers, batchSize, views) / 1e9);
                },
                () -> {
                    usedHeapAfterGc();
                    bench.startGroupAt(app.property("product-views.store.group"), from);
                    return views / (storeViews(store, views) / 1e9);
                });
        loop.drop();

        fill(store, generator, reportViews - views, now);
        check("product_views_records before the reports", store.countDocuments(), reportViews);
        List<String> dates = store.distinct("view_date", String.class).into(new ArrayList<>());
        ProductViewReports reports = app.bean("productViewReports", ProductViewReports.class);
        // what the daily cron does: the latest complete date, with the store holding every view
        bench.resetPeak();
        long t3 = System.nanoTime();
        Object daily = reports.run(null);
        bench.measure("product-views daily reports (3 tables, latest complete date) with " + reportViews
                + " views stored: MongoDB aggregations -> PostgreSQL", reportViews, t3);
        bench.note("product-views daily reports: " + daily);
        bench.resetPeak();
        long t4 = System.nanoTime();
        for (String date : dates) {
            reports.run(date);
        }
        bench.measure("product-views reports of all " + dates.size() + " dates present (3 tables each) over "
                + reportViews + " views", reportViews, t4);
    }

    /**
     * The insertMany loop over the views into the empty {@code loop}; returns the nanoseconds it took, and empties the
     * collection again after counting it, as the store's is emptied (deleteMany, not drop: both keep their structure).
     */
    private long mongoLoop(MongoCollection<Document> loop, int consumers, int batchSize, int views) throws Exception {
        usedHeapAfterGc();
        bench.resetPeak();
        long start = System.nanoTime();
        new MongoHandLoop(app.property("kafka.brokers"), app.property("product-views.topic"), "bench-mongo-loop-" + start,
                loop, batchSize, views).run(consumers, Benchmark.stall());
        long took = System.nanoTime() - start;
        check("the insertMany loop's collection", loop.countDocuments(), views);
        loop.deleteMany(new Document());
        return took;
    }

    /** Starts the stopped store and waits for {@code views} more out; returns the nanoseconds that took. */
    private long storeViews(MongoCollection<Document> store, int views) throws Exception {
        double stored = bench.startRoute("product-views-to-mongodb", "product-views");
        long start = System.nanoTime();
        Benchmark.awaitCount("product-views store", () -> app.metric("product-views", Kind.OUT) - stored, views);
        long took = System.nanoTime() - start;
        check("product_views_records", store.countDocuments(), views);
        return took;
    }

    private void produceToRemote(List<UpstreamView> views) throws Exception {
        Properties p = new Properties();
        p.putAll(KafkaBroker.clientSecurity(app.property("product-views.remote.username"),
                app.property("product-views.remote.password")));
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.property("product-views.remote.brokers"));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        String topic = app.property("product-views.remote.topic");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (UpstreamView v : views) {
                producer.send(new ProducerRecord<>(topic, v.kafkaKey().getBytes(), JSON.writeValueAsBytes(v)));
            }
            producer.flush();
        }
    }

    /** More views straight into the store, as the pipeline stores them, so the reports run over a big day. */
    private static void fill(MongoCollection<Document> store, ProductViewGenerator generator, int n, Instant now)
            throws Exception {
        ProductViewParser parser = new ProductViewParser();
        for (int done = 0; done < n; ) {
            int chunk = Math.min(10_000, n - done);
            List<Document> documents = new ArrayList<>(chunk);
            for (UpstreamView v : generator.next(chunk, now)) {
                documents.add(ProductViewDocuments.of(parser.parse(JSON.writeValueAsBytes(v))));
            }
            store.insertMany(documents, new InsertManyOptions().ordered(false));
            done += chunk;
        }
    }

    private static void check(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException(what + " holds " + actual + " documents, expected " + expected);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
