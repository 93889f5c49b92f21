package io.camelpipelines.flights;

import java.time.Clock;
import java.time.Duration;
import java.time.Duration;
import java.util.List;

import io.camelpipelines.common.CopyBatchWriter;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineConfiguration;
import io.camelpipelines.infra.Settings;
import org.apache.camel.Configuration;

/**
 * The beans of the flights routes: the three sources (offers API, fare pages, simulator) and the fixtures that
 * serve the API and the pages over the application's own HTTP port in the default profile, the step every source
 * publishes through, and the two sinks (price history in PostgreSQL, fares in Elasticsearch) with the search APIs.
 */
@Configuration
public class FlightsConfiguration extends PipelineConfiguration {

    public FlightsConfiguration() {
        super("flights");
    }

    @Override
    protected void configure(Setup p) {
        Settings s = p.settings();
        p.control().describe("offers API, fare pages and simulator -> topic " + s.get("flights.topic", "flight-data")
                + " -> PostgreSQL flight_prices + Elasticsearch " + s.get("flights.index", "flights") + " and the console");
        Airports airports = p.bind("airports", Airports.fromResource("flights/airports.csv"));
        String topic = s.get("flights.topic", "flight-data");
        String index = s.get("flights.index", "flights");
        p.schema("flights", p.sql("sql/flights/schema.sql"));

        FlightSourceRecords sourceRecords = p.bind("flightSourceRecords",
                new FlightSourceRecords(topic, p.shared().deadLetters(), p.metrics()));
        sourceRecords.registerGauges(List.of("api", "pages", "simulator"));
        p.bind("flightSimulator", new FlightSimulator(airports, Double.parseDouble(s.get("flights.simulator.rate", "5")),
                s.getInt("flights.simulator.days-ahead", 30), Clock.systemUTC()));

        // the fixture and the client share the secret: from the environment, or made up at each start for the fixture
        String secret = s.find("flights.api.client-secret").orElseGet(() -> java.util.UUID.randomUUID().toString());
        String clientId = s.get("flights.api.client-id", "camel-pipelines");
        p.bind("flightOffersFixture", new FlightOffersFixture(clientId, secret,
                s.getDuration("flights.fixtures.token-lifetime", Duration.ofMinutes(30)), Clock.systemUTC()));
        FlightOffersClient client = new FlightOffersClient(s.get("flights.api.base-url", ""), clientId, secret, airports,
                s.get("flights.api.source-site", "offers-api"), s.getDuration("flights.api.timeout", Duration.ofSeconds(10)),
                s.getInt("flights.api.max-attempts", 4), s.getDuration("flights.api.backoff", Duration.ofSeconds(1)),
                s.getDuration("flights.api.max-retry-after", Duration.ofSeconds(60)), Clock.systemUTC());
        p.bind("flightOffersSource", new FlightOffersSource(client, s.get("flights.api.searches", ""), Clock.systemUTC()));
        p.metrics().gauge("pipeline.flights.api.retries", "offers API requests sent again (429, 5xx, timeouts)",
                "flights", () -> client.retries());
        p.metrics().gauge("pipeline.flights.api.token.renewals", "offers API tokens fetched again after a 401",
                "flights", () -> client.tokenRenewals());
        p.metrics().gauge("pipeline.flights.api.failures", "offers API searches that failed after their retries",
                "flights", () -> client.failures());

        FlightPageScraper scraper = new FlightPageScraper(s.get("flights.pages.user-agent", "camel-pipelines-flights/1.0"),
                s.getDuration("flights.pages.timeout", Duration.ofSeconds(10)),
                s.getDuration("flights.pages.polite-delay", Duration.ofMillis(500)), s.getInt("flights.pages.max-pages", 5),
                airports, Clock.systemUTC());
        FlightPagesSource pagesSource = p.bind("flightPagesSource", new FlightPagesSource(scraper, () -> {
            List<SiteSelectors> sites = new java.util.ArrayList<>();
            for (String site : s.get("flights.pages.sites", "").split(",")) {
                if (!site.isBlank()) {
                    sites.add(SiteSelectors.fromProperties(site.trim(), key -> s.get(key, null)));
                }
            }
            return sites;
        }));
        if (p.enabled() && s.getBoolean("flights.pages.enabled", true)) {
            // a site's missing or malformed setting is a start error naming the property
            pagesSource.sites();
        }
        p.metrics().gauge("pipeline.flights.pages.layout.misses", "fare pages whose row selector matched nothing",
                "flights", () -> scraper.layoutMisses());
        p.metrics().gauge("pipeline.flights.pages.fetched", "fare pages fetched", "flights", () -> scraper.pages());
        p.metrics().gauge("pipeline.flights.pages.robots.skips", "links not followed because robots.txt disallows them",
                "flights", () -> scraper.robotsSkips());
        p.bind("flightPagesFixture", new FlightPagesFixture(s.get("flights.fixtures.pages-path", "/sim/flights/sites"),
                s.getInt("flights.fixtures.pages", 3), s.getInt("flights.fixtures.rows-per-page", 10), Clock.systemUTC()));

        FlightObservationParser parser = new FlightObservationParser();
        p.bind("flightRecords", new KafkaRecordBatch<>("flights", parser, p.metrics()));
        p.bind("flightStores", new FlightStores(p.copyWriter("flight-prices", "flight_prices_staging", COLUMNS),
                new FlightFareIndex(p.shared().elasticsearch(), index, airports,
                        s.getInt("flights.index.known-documents", 10_000)), p.metrics()));
        p.bind("flightConsole", new FlightConsole());
        p.bind("flightSearch", new FlightSearch(p.shared().elasticsearch(), index, airports,
                s.getInt("flights.search.max-results", 200)));
        p.bind("flightHistory", new FlightHistory(p.dataSource(), p.sql("sql/flights/select-history.sql"),
                s.getInt("flights.history.max-rows", 1000)));
    }

    static final List<CopyBatchWriter.Column<FlightObservation>> COLUMNS = List.of(
            new CopyBatchWriter.Column<>("flight_number", FlightObservation::flightNumber),
            new CopyBatchWriter.Column<>("airline", FlightObservation::airline),
            new CopyBatchWriter.Column<>("source", FlightObservation::source),
            new CopyBatchWriter.Column<>("destination", FlightObservation::destination),
            new CopyBatchWriter.Column<>("origin_code", FlightObservation::originCode),
            new CopyBatchWriter.Column<>("destination_code", FlightObservation::destinationCode),
            new CopyBatchWriter.Column<>("price", FlightObservation::price),
            new CopyBatchWriter.Column<>("currency", FlightObservation::currency),
            new CopyBatchWriter.Column<>("departure_time", FlightObservation::departureTime),
            new CopyBatchWriter.Column<>("arrival_time", FlightObservation::arrivalTime),
            new CopyBatchWriter.Column<>("scraped_at", FlightObservation::scrapedAt),
            new CopyBatchWriter.Column<>("source_site", FlightObservation::sourceSite));
}
