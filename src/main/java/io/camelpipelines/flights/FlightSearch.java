package io.camelpipelines.flights;

import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;

/**
 * GET /api/flights: the flights between two places (IATA codes or city names: "DEL", "Delhi", "delhi") on a local
 * departure date, from the Elasticsearch index, cheapest first (sort=price), soonest first (sort=departure) or
 * by the lowest fare ever seen (sort=lowest).
 */
public class FlightSearch {

    private static final Map<String, String> SORTS = Map.of("price", "latest_price", "departure", "departure_time",
            "lowest", "lowest_price");

    private final ElasticsearchClient elasticsearch;
    private final String index;
    private final Airports airports;
    private final int maxResults;

    public FlightSearch(ElasticsearchClient elasticsearch, String index, Airports airports, int maxResults) {
        this.elasticsearch = elasticsearch;
        this.index = index;
        this.airports = airports;
        this.maxResults = maxResults;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map<String, Object> search(String from, String to, String date, String sort, String limit) throws IOException {
        if (from == null || from.isBlank() || to == null || to.isBlank()) {
            throw new IllegalArgumentException("from and to are required, e.g. ?from=DEL&to=BOM (IATA codes or cities)");
        }
        String sortField = SORTS.get(sort == null || sort.isBlank() ? "price" : sort);
        if (sortField == null) {
            throw new IllegalArgumentException("sort '" + sort + "' is not one of " + SORTS.keySet());
        }
        int size = size(limit);
        List<Query> filters = new ArrayList<>();
        filters.add(place("origin_code", "source", from));
        filters.add(place("destination_code", "destination", to));
        if (date != null && !date.isBlank()) {
            try {
                filters.add(Query.of(q -> q.term(t -> t.field("departure_date").value(LocalDate.parse(date.trim()).toString()))));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("date '" + date + "' is not YYYY-MM-DD");
            }
        }
        if (!elasticsearch.indices().exists(e -> e.index(index)).value()) {
            return answer(from, to, date, List.of());
        }
        SearchResponse<Map> response = elasticsearch.search(s -> s.index(index).size(size)
                .query(q -> q.bool(b -> b.filter(filters)))
                .sort(o -> o.field(f -> f.field(sortField).order(SortOrder.Asc)))
                .sort(o -> o.field(f -> f.field("departure_time").order(SortOrder.Asc))), Map.class);
        List<Map<String, Object>> flights = new ArrayList<>();
        for (Hit<Map> hit : response.hits().hits()) {
            flights.add(hit.source());
        }
        return answer(from, to, date, flights);
    }

    private static Map<String, Object> answer(String from, String to, String date, List<Map<String, Object>> flights) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from);
        out.put("to", to);
        out.put("date", date == null || date.isBlank() ? null : date);
        out.put("count", flights.size());
        out.put("flights", flights);
        return out;
    }

    /** A code matches the code field; a city name its airports' codes or, unknown to the table, the city field. */
    private Query place(String codeField, String cityField, String term) {
        List<String> codes = airports.codesOf(term);
        if (codes.isEmpty() && term.trim().matches("[A-Za-z]{3}")) {
            codes = List.of(term.trim().toUpperCase());
        }
        List<FieldValue> values = codes.stream().map(FieldValue::of).toList();
        String city = term.trim();
        return Query.of(q -> q.bool(b -> {
            if (!values.isEmpty()) {
                b.should(s -> s.terms(t -> t.field(codeField).terms(v -> v.value(values))));
            }
            return b.should(s -> s.term(t -> t.field(cityField).value(city).caseInsensitive(true))).minimumShouldMatch("1");
        }));
    }

    private int size(String limit) {
        if (limit == null || limit.isBlank()) {
            return Math.min(50, maxResults);
        }
        try {
            int n = Integer.parseInt(limit.trim());
            if (n < 1 || n > maxResults) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit '" + limit + "' is not a number from 1 to " + maxResults);
        }
    }
}
