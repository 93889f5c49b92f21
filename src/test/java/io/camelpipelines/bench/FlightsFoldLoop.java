package io.camelpipelines.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.flights.Airports;
import io.camelpipelines.flights.FlightObservation;
import io.camelpipelines.flights.FlightObservationParser;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The flights reference that does the pipeline's work by hand: per poll, one COPY + INSERT … ON CONFLICT of every
 * observation, then the latest/lowest/first/last fold of the poll's observations into each flight's document (as
 * this loop last wrote it, or one mget of those it has not seen yet), and one bulk request writing the changed ones
 * with optimistic concurrency (create for a new flight, index with if_seq_no otherwise); offsets committed after
 * both stores. One consumer, as the route.
 * Records the domain's rules refuse are skipped (the pipeline dead-letters them).
 */
final class FlightsFoldLoop {

    private static final String[] FIELDS = {"flight_number", "airline", "source", "destination", "origin_code",
        "destination_code", "price", "currency", "departure_time", "arrival_time", "scraped_at", "source_site"};
    private static final Comparator<FlightObservation> LATEST = Comparator.comparing(FlightObservation::scrapedAt)
            .thenComparing(FlightObservation::sourceSite).thenComparing(FlightObservation::price);
    private static final Comparator<FlightObservation> LOWEST = Comparator.comparing(FlightObservation::price)
            .thenComparing(FlightObservation::scrapedAt).thenComparing(FlightObservation::sourceSite);

    private final Airports airports;
    private final FlightObservationParser parser = new FlightObservationParser();
    private int rejected;
    /** Every document this loop wrote (the only writer of its index), so it reads each flight once. */
    private final Map<String, Known> known = new java.util.HashMap<>();
    private final String table;
    private final String index;

    FlightsFoldLoop(Airports airports, String table, String index) {
        this.airports = airports;
        this.table = table;
        this.index = index;
    }

    /** Records the domain's rules refused (the pipeline dead-letters them; this loop skips them). */
    int rejected() {
        return rejected;
    }

    void run(DataSource db, ElasticsearchClient es, String brokers, String topic, int batchSize, int target)
            throws Exception {
        Properties p = HandLoop.manualCommit(brokers, "bench-flights-fold-loop", batchSize);
        String columns = String.join(", ", FIELDS);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TEMP TABLE IF NOT EXISTS staging_fold_flight_prices (LIKE " + table
                        + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
            c.commit();
            org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            PreparedStatement merge = c.prepareStatement("INSERT INTO " + table + " (" + columns + ") SELECT "
                    + columns + " FROM staging_fold_flight_prices ON CONFLICT DO NOTHING");
            consumer.subscribe(List.of(topic));
            HandLoop.drain(consumer, target, "flights fold loop", batch -> {
                List<String[]> rows = new ArrayList<>(batch.count());
                Map<String, Fold> folds = new LinkedHashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    FlightObservation o;
                    try {
                        o = parser.parse(r.value());
                    } catch (InvalidRecordException e) {
                        rejected++;
                        continue;
                    }
                    rows.add(row(o));
                    folds.computeIfAbsent(o.flightNumber() + "|" + o.departureTime(), k -> new Fold()).add(o);
                }
                copy.copyIn("COPY staging_fold_flight_prices (" + columns + ") FROM STDIN (FORMAT csv)", HandLoop.csv(rows));
                merge.executeUpdate();
                c.commit();
                index(es, folds);
            });
        }
    }

    /** A document as this loop last wrote or read it, and its version. */
    private record Known(long seqNo, long primaryTerm, Map<String, Object> source) {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void index(ElasticsearchClient es, Map<String, Fold> folds) throws Exception {
        Map<String, Known> current = new java.util.HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : folds.keySet()) {
            if (known.containsKey(id)) {
                current.put(id, known.get(id));
            } else {
                unknown.add(id);
            }
        }
        if (!unknown.isEmpty()) {
            MgetResponse<Map> stored = es.mget(m -> m.index(index).ids(unknown), Map.class);
            for (MultiGetResponseItem<Map> item : stored.docs()) {
                GetResult<Map> got = item.result();
                current.put(got.id(), got.found() ? new Known(got.seqNo(), got.primaryTerm(), got.source()) : null);
            }
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(index);
        Map<String, Map<String, Object>> written = new java.util.HashMap<>();
        folds.forEach((id, fold) -> {
            Known before = current.get(id);
            Map<String, Object> after = fold.into(before == null ? null : before.source());
            if (before != null && !known.containsKey(id) && after.equals(before.source())) {
                return;
            }
            written.put(id, after);
            if (before == null) {
                bulk.operations(op -> op.create(x -> x.id(id).document(after)));
            } else {
                bulk.operations(op -> op.index(x -> x.id(id).document(after).ifSeqNo(before.seqNo())
                        .ifPrimaryTerm(before.primaryTerm())));
            }
        });
        if (written.isEmpty()) {
            return;
        }
        BulkResponse r = es.bulk(bulk.build());
        if (r.errors()) {
            throw new IllegalStateException("bulk failed: " + r.items().stream().filter(i -> i.error() != null)
                    .findFirst().map(i -> i.status() + " " + i.error().reason()).orElse("?"));
        }
        r.items().forEach(i -> known.put(i.id(), new Known(i.seqNo(), i.primaryTerm(), written.get(i.id()))));
    }

    private static String[] row(FlightObservation o) {
        return new String[] {o.flightNumber(), o.airline(), o.source(), o.destination(), o.originCode(),
            o.destinationCode(), o.price().toPlainString(), o.currency(), o.departureTime().toString(),
            o.arrivalTime() == null ? null : o.arrivalTime().toString(), o.scrapedAt().toString(), o.sourceSite()};
    }

    /** One flight's observations of a poll, folded into its stored document. */
    private final class Fold {
        FlightObservation latest;
        FlightObservation lowest;
        FlightObservation first;

        void add(FlightObservation o) {
            latest = latest == null || LATEST.compare(o, latest) > 0 ? o : latest;
            lowest = lowest == null || LOWEST.compare(o, lowest) < 0 ? o : lowest;
            first = first == null || o.scrapedAt().isBefore(first.scrapedAt()) ? o : first;
        }

        Map<String, Object> into(Map<String, Object> stored) {
            Map<String, Object> d = stored == null ? new LinkedHashMap<>() : new LinkedHashMap<>(stored);
            Instant latestSeen = stored == null ? null : Instant.parse((String) stored.get("latest_seen_at"));
            if (latestSeen == null || latest.scrapedAt().isAfter(latestSeen) || latest.scrapedAt().equals(latestSeen)
                    && latest.sourceSite().compareTo((String) stored.get("latest_source_site")) > 0) {
                d.put("flight_number", latest.flightNumber());
                d.put("airline", latest.airline());
                d.put("source", latest.source());
                d.put("destination", latest.destination());
                putIfPresent(d, "origin_code", latest.originCode());
                putIfPresent(d, "destination_code", latest.destinationCode());
                d.put("departure_time", latest.departureTime().toString());
                putIfPresent(d, "arrival_time", latest.arrivalTime() == null ? null : latest.arrivalTime().toString());
                String code = latest.originCode() != null ? latest.originCode() : airports.code(latest.source()).orElse(null);
                d.put("departure_date", LocalDate.ofInstant(latest.departureTime(), airports.zone(code)).toString());
                d.put("currency", latest.currency());
                d.put("latest_price", latest.price().doubleValue());
                d.put("latest_seen_at", latest.scrapedAt().toString());
                d.put("latest_source_site", latest.sourceSite());
            }
            double low = lowest.price().doubleValue();
            if (stored == null || low < ((Number) stored.get("lowest_price")).doubleValue()
                    || low == ((Number) stored.get("lowest_price")).doubleValue()
                    && lowest.scrapedAt().isBefore(Instant.parse((String) stored.get("lowest_seen_at")))) {
                d.put("lowest_price", low);
                d.put("lowest_seen_at", lowest.scrapedAt().toString());
                d.put("lowest_source_site", lowest.sourceSite());
            }
            if (stored == null || first.scrapedAt().isBefore(Instant.parse((String) stored.get("first_seen_at")))) {
                d.put("first_seen_at", first.scrapedAt().toString());
            }
            if (stored == null || latest.scrapedAt().isAfter(Instant.parse((String) stored.get("last_seen_at")))) {
                d.put("last_seen_at", latest.scrapedAt().toString());
            }
            return d;
        }

        private void putIfPresent(Map<String, Object> d, String field, Object value) {
            if (value != null) {
                d.put(field, value);
            }
        }
    }
}
