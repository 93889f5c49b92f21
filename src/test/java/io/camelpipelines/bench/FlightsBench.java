package io.camelpipelines.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.Json;
import io.camelpipelines.common.PipelineMetrics.Kind;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.flights.Airports;
import io.camelpipelines.flights.FlightObservation;
import io.camelpipelines.flights.FlightPageScraper;
import io.camelpipelines.flights.FlightSimulator;
import io.camelpipelines.flights.Harvested;
import io.camelpipelines.flights.SiteSelectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * flights' scenarios: simulated observations on flight-data, through two hand-written loops (kafka-clients, one COPY
 * into a staging table and one INSERT … ON CONFLICT per poll, then Elasticsearch): one that overwrites each flight
 * with its last observation of the poll (no read, no fold: less work than the pipeline, a ceiling), one that does the
 * pipeline's work (latest/lowest fold into the documents it wrote, an mget of the others, bulk with if_seq_no, see {@link FlightsFoldLoop}); then through the
 * pipeline's flights-to-stores route, whose documents must equal the fold loop's; and the fare pages scraped from the
 * application's own fixture with no polite delay, pages and rows per second.
 */
final class FlightsBench {

    private final Benchmark bench;
    private final RunningApplication app;

    FlightsBench(Benchmark bench) {
        this.bench = bench;
        this.app = bench.app();
    }

    void run(int observations, int pages) throws Exception {
        Airports airports = Airports.fromResource("flights/airports.csv");
        FlightSimulator simulator = new FlightSimulator(airports, 1, 30, Clock.systemUTC());
        String topic = app.property("flights.topic");
        // where the benchmark's records start: the later pairs read them again from here
        Map<org.apache.kafka.common.TopicPartition, Long> from = bench.latestOffsets(topic);
        int produced = produce(simulator, topic, observations);
        int batchSize = Integer.parseInt(app.property("flights.sink.batch-size"));

        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        ElasticsearchClient es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);
        for (String table : List.of("bench_loop_flight_prices", "bench_fold_loop_flight_prices")) {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
                st.execute("CREATE TABLE " + table + " (LIKE flight_prices INCLUDING ALL)");
            }
        }
        for (String index : List.of("bench_loop_flights", "bench_fold_loop_flights")) {
            if (es.indices().exists(e -> e.index(index)).value()) {
                es.indices().delete(d -> d.index(index));
            }
        }
        // the fold loop's documents are the pipeline's: the same mapping, the same cost to index them
        try (java.io.InputStream mapping = getClass().getClassLoader().getResourceAsStream("elasticsearch/flights.json")) {
            es.indices().create(c -> c.index("bench_fold_loop_flights").withJson(mapping));
        }
        bench.resetPeak();
        long t0 = System.nanoTime();
        handLoop(db, es, topic, batchSize, produced, "bench-flights-loop");
        double overwriteRate = bench.measure("Hand-written loop, kafka-clients -> COPY + INSERT … ON CONFLICT + Elasticsearch bulk "
                + "(last of each flight per poll, overwritten: no read, no fold), 1 consumer", produced, t0);

        bench.resetPeak();
        long tf = System.nanoTime();
        FlightsFoldLoop foldLoop = new FlightsFoldLoop(airports, "bench_fold_loop_flight_prices", "bench_fold_loop_flights");
        foldLoop.run(db, es, app.property("kafka.brokers"), topic, batchSize, produced);
        if (foldLoop.rejected() > 0) {
            bench.note("flights: the fold loop skipped " + foldLoop.rejected() + " records the domain's rules refuse.");
        }
        double foldRate = bench.measure("Hand-written loop, kafka-clients -> COPY + INSERT … ON CONFLICT + Elasticsearch "
                + "latest/lowest fold into the documents it wrote (mget of the others), bulk with if_seq_no (the pipeline's work), 1 consumer", produced, tf);
        bench.flightsLoopRates(foldRate, Math.max(foldRate, overwriteRate));

        double before = bench.startRoute("flights-to-stores", "flights");
        long t1 = System.nanoTime();
        Benchmark.awaitCount("flights stores", () -> app.metric("flights", Kind.OUT) - before, produced);
        bench.measure("flights: Kafka -> PostgreSQL flight_prices + Elasticsearch flights, latest/lowest fold (Camel route)",
                produced, t1);
        compareIndexes(es, app.property("flights.index"), "bench_fold_loop_flights");
        // then in turns against the fastest loop, each side from empty stores. The pipeline's later sides find the
        // documents it remembers gone with the index: each one's first write conflicts and reads it again, what a
        // rebuild of the index costs it
        bench.pairs("flights: Kafka", "Hand-written loop, kafka-clients -> COPY + INSERT … ON CONFLICT + Elasticsearch bulk",
                produced,
                () -> {
                    app.context().getRouteController().stopRoute("flights-to-stores");
                    empty(db, es, "flight_prices", app.property("flights.index"));
                    empty(db, es, "bench_loop_flight_prices", "bench_loop_flights");
                    String group = "bench-flights-loop-" + System.nanoTime();
                    bench.startGroupAt(group, from);
                    long t = System.nanoTime();
                    handLoop(db, es, topic, batchSize, produced, group);
                    return produced / ((System.nanoTime() - t) / 1e9);
                },
                () -> {
                    bench.startGroupAt(app.property("flights.sink.group"), from);
                    double out = bench.startRoute("flights-to-stores", "flights");
                    long t = System.nanoTime();
                    Benchmark.awaitCount("flights stores again", () -> app.metric("flights", Kind.OUT) - out, produced);
                    return produced / ((System.nanoTime() - t) / 1e9);
                });

        SiteSelectors skyfares = SiteSelectors.fromProperties("skyfares",
                k -> app.context().getPropertiesComponent().resolveProperty(k).orElse(null));
        FlightPageScraper scraper = new FlightPageScraper("camel-pipelines-bench/1.0", Duration.ofSeconds(10), Duration.ZERO,
                Integer.parseInt(app.property("flights.fixtures.pages")), airports, Clock.systemUTC());
        bench.resetPeak();
        long t2 = System.nanoTime();
        int rows = 0;
        for (int i = 0; i < pages / Integer.parseInt(app.property("flights.fixtures.pages")); i++) {
            for (Harvested h : scraper.scrape(skyfares)) {
                rows += h.observation() != null ? 1 : 0;
            }
        }
        bench.measure("flights: fare pages fetched and parsed (jsoup, no polite delay; " + rows + " rows)",
                scraper.pages().get(), t2);
    }

    /** The pipeline and the fold loop folded the same observations: their documents must be equal, one by one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void compareIndexes(ElasticsearchClient es, String pipeline, String loop) throws Exception {
        List<Map<String, Map>> both = new ArrayList<>();
        for (String index : List.of(pipeline, loop)) {
            es.indices().refresh(r -> r.index(index));
            var hits = es.search(s -> s.index(index).size(10_000), Map.class).hits().hits();
            Map<String, Map> byId = new java.util.TreeMap<>();
            hits.forEach(h -> byId.put(h.id(), h.source()));
            both.add(byId);
        }
        List<String> differences = new ArrayList<>();
        java.util.Set<String> ids = new java.util.TreeSet<>(both.get(0).keySet());
        ids.addAll(both.get(1).keySet());
        for (String id : ids) {
            if (!java.util.Objects.equals(both.get(0).get(id), both.get(1).get(id))) {
                differences.add(id + ": pipeline " + both.get(0).get(id) + ", loop " + both.get(1).get(id));
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalStateException(differences.size() + " of " + ids.size() + " flight documents differ between"
                    + " the pipeline and the fold loop, e.g. " + differences.subList(0, Math.min(3, differences.size())));
        }
        bench.note("flights: the pipeline and the fold loop wrote the same " + ids.size() + " flight documents,"
                + " compared field by field.");
    }

    private int produce(FlightSimulator simulator, String topic, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.property("kafka.brokers"));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (sent < n) {
                for (FlightObservation o : simulator.next(Math.min(1_000, n - sent))) {
                    producer.send(new ProducerRecord<>(topic, o.flightNumber().getBytes(), Json.ISO_TIMES.writeValueAsBytes(o)));
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }

    /** Empties a price table and deletes a flights index (its template, if any, gives it back its mapping). */
    private static void empty(DataSource db, ElasticsearchClient es, String table, String index) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + table);
        }
        if (es.indices().exists(e -> e.index(index)).value()) {
            es.indices().delete(d -> d.index(index));
        }
    }

    private void handLoop(DataSource db, ElasticsearchClient es, String topic, int batchSize, int target, String group)
            throws Exception {
        Properties p = HandLoop.manualCommit(app.property("kafka.brokers"), group, batchSize);
        String[] fields = {"flight_number", "airline", "source", "destination", "origin_code", "destination_code", "price",
                "currency", "departure_time", "arrival_time", "scraped_at", "source_site"};
        String columns = String.join(", ", fields);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS staging_flight_prices (LIKE bench_loop_flight_prices INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
            c.commit();
            org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            PreparedStatement merge = c.prepareStatement("INSERT INTO bench_loop_flight_prices (" + columns + ") SELECT "
                    + columns + " FROM staging_flight_prices ON CONFLICT DO NOTHING");
            consumer.subscribe(List.of(topic));
            HandLoop.drain(consumer, target, "flights hand loop", batch -> {
                List<JsonNode> docs = new ArrayList<>(batch.count());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    docs.add(Json.DECIMALS.readTree(r.value()));
                }
                List<String[]> rows = new ArrayList<>(docs.size());
                // one write per document and poll: the last observation of each flight in the batch
                Map<String, JsonNode> latest = new java.util.LinkedHashMap<>();
                for (int i = 0; i < docs.size(); i++) {
                    JsonNode d = docs.get(i);
                    String[] row = new String[fields.length];
                    for (int f = 0; f < fields.length; f++) {
                        row[f] = d.path(fields[f]).isMissingNode() || d.path(fields[f]).isNull() ? null
                                : d.path(fields[f]).asText();
                    }
                    rows.add(row);
                    latest.put(d.path("flight_number").asText() + "|" + d.path("departure_time").asText(), d);
                }
                BulkRequest.Builder bulk = new BulkRequest.Builder().index("bench_loop_flights");
                latest.forEach((id, d) -> {
                    Map<?, ?> source = Json.DECIMALS.convertValue(d, Map.class);
                    bulk.operations(op -> op.index(x -> x.id(id).document(source)));
                });
                copy.copyIn("COPY staging_flight_prices (" + columns + ") FROM STDIN (FORMAT csv)", HandLoop.csv(rows));
                merge.executeUpdate();
                c.commit();
                BulkResponse r = es.bulk(bulk.build());
                if (r.errors()) {
                    throw new IllegalStateException("bulk failed: " + r.items().stream().filter(i -> i.error() != null)
                            .findFirst().map(i -> i.error().reason()).orElse("?"));
                }
            });
        }
    }
}
