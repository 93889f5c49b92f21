package io.camelpipelines.flights;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import io.camelpipelines.common.DeadLetter;
import io.camelpipelines.common.ElasticsearchIndex;
import io.camelpipelines.common.IsoInstants;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.ParsedRecord;
import org.apache.camel.Exchange;

/**
 * The searchable side of flights: one Elasticsearch document per (flight_number, departure_time) holding the
 * latest price (by when it was observed), the lowest seen and when, first and last seen. A batch's observations are
 * folded per document into the stored document and written back in one bulk request, each write conditional on the
 * version it was folded into. The stored documents come from {@link KnownFlightDocuments}, what this instance last
 * wrote, and one multi-get for the rest: a busy flight is read once, not at every batch. The fold is order-independent
 * and idempotent, so redelivered and late observations leave the right document; a version conflict (someone else
 * changed the document) reads it again and folds again. Elasticsearch failing (429, 5xx, unreachable) fails the
 * batch; a document Elasticsearch refuses for its content sends the observations of that document to flight-data.dlq.
 * (Records out are counted once, by the price history written before it.) A remembered document is written even
 * when the batch changes nothing in it, so that a document or index deleted behind this instance's back (to rebuild
 * it from the topic) is found out by the conflict and written whole again; the index's template gives a re-created
 * index its mapping. A scripted upsert would save the read too, but the embedded Elasticsearch has no scripting
 * module.
 */
public class FlightFareIndex {

    private static final Comparator<FlightObservation> LATEST = Comparator.comparing(FlightObservation::scrapedAt)
            .thenComparing(FlightObservation::sourceSite).thenComparing(FlightObservation::price);
    private static final Comparator<FlightObservation> LOWEST = Comparator.comparing(FlightObservation::price)
            .thenComparing(FlightObservation::scrapedAt).thenComparing(FlightObservation::sourceSite);

    private static final int MAX_ROUNDS = 3;
    private static final String INDEX_NOT_FOUND = "index_not_found_exception";

    private final ElasticsearchClient elasticsearch;
    private final String index;
    private final Airports airports;
    private final KnownFlightDocuments known;
    private final ElasticsearchIndex definition;

    /** @param knownDocuments how many documents to remember with their versions ({@code flights.index.known-documents}) */
    public FlightFareIndex(ElasticsearchClient elasticsearch, String index, Airports airports, int knownDocuments) {
        this.elasticsearch = elasticsearch;
        this.index = index;
        this.airports = airports;
        this.known = new KnownFlightDocuments(knownDocuments);
        this.definition = new ElasticsearchIndex(elasticsearch, index, "elasticsearch/flights.json");
    }

    /** Creates the index with its explicit mapping (and the template that keeps it) if it does not exist yet. */
    public void ensureIndex() throws IOException {
        definition.ensure();
    }

    private record FlightDeparture(String flightNumber, Instant departure) {
    }

    /** One document's observations of this batch, and the latest and lowest of them. */
    private static final class Fold {
        final List<ParsedRecord<FlightObservation>> rows = new ArrayList<>();
        FlightObservation latest;
        FlightObservation lowest;
        FlightObservation first;

        void add(ParsedRecord<FlightObservation> row) {
            FlightObservation o = row.value();
            rows.add(row);
            latest = latest == null || LATEST.compare(o, latest) > 0 ? o : latest;
            lowest = lowest == null || LOWEST.compare(o, lowest) < 0 ? o : lowest;
            first = first == null || o.scrapedAt().isBefore(first.scrapedAt()) ? o : first;
        }
    }

    /** Folds the batch into the flights' documents; returns how many of its records Elasticsearch refused. */
    @SuppressWarnings("unchecked")
    public int write(Exchange exchange) throws Exception {
        List<ParsedRecord<FlightObservation>> rows = exchange.getMessage().getBody(List.class);
        if (rows == null || rows.isEmpty()) {
            return 0;
        }
        ensureIndex();
        // keyed by the flight and its departure, the document's id made once per document and batch
        Map<FlightDeparture, Fold> byDeparture = new LinkedHashMap<>();
        for (ParsedRecord<FlightObservation> row : rows) {
            FlightObservation o = row.value();
            byDeparture.computeIfAbsent(new FlightDeparture(o.flightNumber(), o.departureTime()), k -> new Fold()).add(row);
        }
        Map<String, Fold> pending = new LinkedHashMap<>();
        for (Map.Entry<FlightDeparture, Fold> e : byDeparture.entrySet()) {
            pending.put(documentId(e.getKey().flightNumber(), e.getKey().departure()), e.getValue());
        }
        List<DeadLetter> refused = new ArrayList<>();
        // a conflict is a document someone else changed since it was read or written here: read it again and fold
        // into what is there now, a few times, before the whole batch goes back to be retried
        for (int round = 1; !pending.isEmpty(); round++) {
            Map<String, Fold> conflicted = writeOnce(pending, refused, exchange.getFromRouteId());
            if (!conflicted.isEmpty() && round == MAX_ROUNDS) {
                throw new IllegalStateException("Elasticsearch reported a version conflict on flight "
                        + conflicted.keySet().iterator().next() + " " + MAX_ROUNDS + " times; the batch is retried");
            }
            pending = conflicted;
        }
        if (!refused.isEmpty()) {
            List<DeadLetter> all = new ArrayList<>(exchange.getProperty(KafkaRecordBatch.DEAD_LETTERS, List.class));
            all.addAll(refused);
            exchange.setProperty(KafkaRecordBatch.DEAD_LETTERS, all);
        }
        return refused.size();
    }

    /**
     * One multi-get of the documents not known here, one bulk request of the changed ones on condition of their
     * versions; the folds whose write met a version conflict come back.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map<String, Fold> writeOnce(Map<String, Fold> folds, List<DeadLetter> refused, String routeId)
            throws Exception {
        Map<String, KnownFlightDocuments.Known> current = new java.util.HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : folds.keySet()) {
            KnownFlightDocuments.Known k = known.get(id);
            if (k == null) {
                unknown.add(id);
            } else {
                current.put(id, k);
            }
        }
        java.util.Set<String> remembered = new java.util.HashSet<>(current.keySet());
        if (!unknown.isEmpty()) {
            MgetResponse<Map> stored = elasticsearch.mget(m -> m.index(index).ids(unknown), Map.class);
            for (MultiGetResponseItem<Map> item : stored.docs()) {
                if (item.isFailure() && INDEX_NOT_FOUND.equals(item.failure().error().type())) {
                    // deleted (to be rebuilt from the topic): made again with its mapping, every document new to it
                    indexGone();
                    unknown.forEach(id -> current.put(id, null));
                    break;
                }
                if (item.isFailure()) {
                    throw new IllegalStateException("Elasticsearch could not read flight " + item.failure().id() + ": "
                            + item.failure().error().reason() + "; the batch is retried");
                }
                GetResult<Map> got = item.result();
                if (got.found()) {
                    Map<String, Object> source = (Map<String, Object>) got.source();
                    current.put(got.id(), new KnownFlightDocuments.Known(got.seqNo(), got.primaryTerm(), source));
                    known.put(got.id(), got.seqNo(), got.primaryTerm(), source);
                } else {
                    current.put(got.id(), null);
                }
            }
        }
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(index);
        Map<String, Map<String, Object>> written = new java.util.HashMap<>();
        folds.forEach((id, fold) -> {
            KnownFlightDocuments.Known before = current.get(id);
            Map<String, Object> after = merge(before == null ? null : before.source(), fold);
            // a remembered document is written even when the fold changes nothing: its conditional write is what
            // finds out that it was deleted (with its index, for a rebuild) or changed since
            if (before != null && !remembered.contains(id) && after.equals(before.source())) {
                return;
            }
            written.put(id, after);
            if (before == null) {
                bulk.operations(op -> op.create(c -> c.id(id).document(after)));
            } else {
                bulk.operations(op -> op.index(i -> i.id(id).document(after).ifSeqNo(before.seqNo())
                        .ifPrimaryTerm(before.primaryTerm())));
            }
        });
        if (written.isEmpty()) {
            return Map.of();
        }
        BulkResponse response;
        try {
            response = elasticsearch.bulk(bulk.build());
        } catch (Exception e) {
            // written or not, their versions are unknown now
            known.forget(written.keySet());
            throw e;
        }
        Map<String, Fold> conflicted = new LinkedHashMap<>();
        String unavailable = null;
        boolean indexGone = false;
        for (BulkResponseItem item : response.items()) {
            if (item.id() == null || !folds.containsKey(item.id())) {
                known.forget(written.keySet());
                throw new IllegalStateException("Elasticsearch answered the bulk request for another document ("
                        + item.id() + "); the batch is retried");
            }
            if (item.error() == null) {
                known.put(item.id(), item.seqNo(), item.primaryTerm(), written.get(item.id()));
                continue;
            }
            known.forget(List.of(item.id()));
            String reason = item.error().type() + ": " + item.error().reason()
                    + (item.error().causedBy() == null ? "" : " (" + item.error().causedBy().reason() + ")");
            if (item.status() == 409) {
                conflicted.put(item.id(), folds.get(item.id()));
            } else if (item.status() == 404 && INDEX_NOT_FOUND.equals(item.error().type())) {
                // deleted, where Elasticsearch may not create an index at a write: made again, and written again
                indexGone = true;
                conflicted.put(item.id(), folds.get(item.id()));
            } else if (item.status() == 429 || item.status() >= 500) {
                unavailable = unavailable != null ? unavailable : "Elasticsearch could not write flight " + item.id()
                        + " (" + item.status() + " " + reason + "); the batch is retried";
            } else {
                for (ParsedRecord<FlightObservation> row : folds.get(item.id()).rows) {
                    refused.add(KafkaRecordBatch.deadLetter(row.source(), "refused by Elasticsearch (" + item.status()
                            + ") " + reason, routeId));
                }
            }
        }
        if (unavailable != null) {
            throw new IllegalStateException(unavailable);
        }
        if (indexGone) {
            indexGone();
        }
        return conflicted;
    }

    /** The index was deleted: nothing remembered holds, and it is created again with its mapping. */
    private void indexGone() throws IOException {
        known.forgetAll();
        definition.forget();
        definition.ensure();
    }

    /** The stored document with this batch's observations folded in; the same document when they change nothing. */
    Map<String, Object> merge(Map<String, Object> stored, Fold fold) {
        Map<String, Object> d = stored == null ? new LinkedHashMap<>() : new LinkedHashMap<>(stored);
        Instant latestSeen = stored == null ? null : IsoInstants.parse((String) stored.get("latest_seen_at"));
        if (latestSeen == null || fold.latest.scrapedAt().isAfter(latestSeen)
                || fold.latest.scrapedAt().equals(latestSeen) && fold.latest.sourceSite().compareTo(
                        (String) stored.get("latest_source_site")) > 0) {
            d.putAll(fixed(fold.latest));
            d.put("latest_price", fold.latest.price().doubleValue());
            d.put("latest_seen_at", IsoInstants.format(fold.latest.scrapedAt()));
            d.put("latest_source_site", fold.latest.sourceSite());
        }
        double storedLowest = stored == null ? Double.MAX_VALUE : ((Number) stored.get("lowest_price")).doubleValue();
        double lowest = fold.lowest.price().doubleValue();
        if (stored == null || lowest < storedLowest || lowest == storedLowest
                && fold.lowest.scrapedAt().isBefore(IsoInstants.parse((String) stored.get("lowest_seen_at")))) {
            d.put("lowest_price", lowest);
            d.put("lowest_seen_at", IsoInstants.format(fold.lowest.scrapedAt()));
            d.put("lowest_source_site", fold.lowest.sourceSite());
        }
        if (stored == null || fold.first.scrapedAt().isBefore(IsoInstants.parse((String) stored.get("first_seen_at")))) {
            d.put("first_seen_at", IsoInstants.format(fold.first.scrapedAt()));
        }
        if (stored == null || fold.latest.scrapedAt().isAfter(IsoInstants.parse((String) stored.get("last_seen_at")))) {
            d.put("last_seen_at", IsoInstants.format(fold.latest.scrapedAt()));
        }
        return d;
    }

    /** The fields that describe the flight rather than one sighting of its price. */
    private Map<String, Object> fixed(FlightObservation o) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("flight_number", o.flightNumber());
        f.put("airline", o.airline());
        f.put("source", o.source());
        f.put("destination", o.destination());
        f.put("origin_code", o.originCode());
        f.put("destination_code", o.destinationCode());
        f.put("departure_time", IsoInstants.format(o.departureTime()));
        f.put("arrival_time", o.arrivalTime() == null ? null : IsoInstants.format(o.arrivalTime()));
        f.put("departure_date", departureDate(o).toString());
        f.put("currency", o.currency());
        f.values().removeIf(java.util.Objects::isNull);
        return f;
    }

    /** The local date of departure at the origin, what a traveller searching by date means. */
    LocalDate departureDate(FlightObservation o) {
        String code = o.originCode() != null ? o.originCode() : airports.code(o.source()).orElse(null);
        return LocalDate.ofInstant(o.departureTime(), airports.zone(code));
    }

    private static String documentId(String flightNumber, Instant departure) {
        return flightNumber + "|" + IsoInstants.format(departure);
    }
}
