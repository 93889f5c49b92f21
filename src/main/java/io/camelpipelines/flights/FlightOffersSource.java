package io.camelpipelines.flights;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offers-API source: every configured search (relative dates resolved against today, UTC) in turn. A search
 * that fails after the client's retries is one WARN line and the others still run; the poll fails (and is counted)
 * only when every search failed.
 */
public class FlightOffersSource {

    private static final Logger LOG = LoggerFactory.getLogger(FlightOffersSource.class);

    private final FlightOffersClient client;
    private final String searches;
    private final Clock clock;

    public FlightOffersSource(FlightOffersClient client, String searches, Clock clock) {
        this.client = client;
        this.searches = searches;
        this.clock = clock;
        // a malformed search list is a configuration error: said at start, not at the first poll
        OffersSearch.parse(searches, LocalDate.now(clock));
    }

    public List<Harvested> poll() {
        List<Harvested> found = new ArrayList<>();
        RuntimeException last = null;
        List<OffersSearch> all = OffersSearch.parse(searches, LocalDate.now(clock));
        for (OffersSearch search : all) {
            try {
                found.addAll(client.search(search));
            } catch (RuntimeException e) {
                last = e;
                LOG.warn("flights: search {}-{} on {} failed this time: {}", search.origin(), search.destination(),
                        search.date(), e.getMessage());
            }
        }
        if (last != null && found.isEmpty()) {
            throw last;
        }
        return found;
    }

    public FlightOffersClient client() {
        return client;
    }
}
