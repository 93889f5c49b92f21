package io.camelpipelines.flights;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/*
 * The two fixture sites as application.properties configures them ({{camel.server.port}} there, the test server's
 * port here):
 *
 * flights.pages.site.skyfares.start-url = http://127.0.0.1:{{camel.server.port}}/sim/flights/sites/skyfares/fares?page=1
 * flights.pages.site.skyfares.robots-url = http://127.0.0.1:{{camel.server.port}}/sim/flights/sites/robots.txt
 * flights.pages.site.skyfares.row = table.fares tr.fare
 * flights.pages.site.skyfares.flight-number = td.flight
 * flights.pages.site.skyfares.airline = td.airline
 * flights.pages.site.skyfares.origin = td.from
 * flights.pages.site.skyfares.destination = td.to
 * flights.pages.site.skyfares.departure = td.depart
 * flights.pages.site.skyfares.departure-format = dd MMM yyyy HH:mm
 * flights.pages.site.skyfares.price = td.price
 * flights.pages.site.skyfares.fixed-currency = INR
 * flights.pages.site.skyfares.next = a.next
 *
 * flights.pages.site.farecards.start-url = http://127.0.0.1:{{camel.server.port}}/sim/flights/sites/farecards/deals/1
 * flights.pages.site.farecards.robots-url = http://127.0.0.1:{{camel.server.port}}/sim/flights/sites/robots.txt
 * flights.pages.site.farecards.row = div.deal-card
 * flights.pages.site.farecards.flight-number = span.code
 * flights.pages.site.farecards.airline = span.carrier
 * flights.pages.site.farecards.origin = span.city-from
 * flights.pages.site.farecards.destination = span.city-to
 * flights.pages.site.farecards.departure = time.departure
 * flights.pages.site.farecards.departure-attribute = datetime
 * flights.pages.site.farecards.price = span.amount
 * flights.pages.site.farecards.currency = span.currency
 * flights.pages.site.farecards.next = a[rel=next]
 */
class FlightPageScraperTest {

    private static final String BASE = "/sim/flights/sites";
    private static final String AGENT = "camel-pipelines-flights/0.1 (+https://example.org/bot)";
    private static final Instant NOW = Instant.parse("2026-11-20T04:30:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final int PAGES = 3;
    private static final int ROWS = 4;

    private final Airports airports = Airports.fromResource("flights/airports.csv");
    private final Set<String> agentsSeen = ConcurrentHashMap.newKeySet();
    private FlightPagesFixture fixture;
    private HttpServer server;
    private String root;

    @BeforeEach
    void serve() throws IOException {
        fixture = new FlightPagesFixture(BASE, PAGES, ROWS, CLOCK);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(BASE, ex -> {
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            agentsSeen.add(ex.getRequestHeaders().getFirst("User-Agent"));
            URI uri = ex.getRequestURI();
            FixtureResponse r = fixture.respond(ex.getRequestMethod(), uri.getPath().substring(BASE.length()),
                    FlightPagesFixture.decodeQuery(uri.getRawQuery()), headers);
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            send(ex, r.status(), r.contentType(), r.body());
        });
        server.createContext("/static", ex -> {
            String page = STATIC.get(ex.getRequestURI().getPath());
            send(ex, page == null ? 404 : 200, "text/html; charset=utf-8", page == null ? "not found" : page);
        });
        server.start();
        root = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void bothSitesYieldEveryRowOfEveryPageMappedAsShown() {
        FlightPageScraper scraper = scraper(10);

        for (String name : List.of(FlightPagesFixture.SKYFARES, FlightPagesFixture.FARECARDS)) {
            List<Harvested> harvested = scraper.scrape(site(name, Map.of()));
            assertThat(harvested).allSatisfy(h -> assertThat(h.rejection()).isNull());
            List<FlightObservation> seen = harvested.stream().map(Harvested::observation).toList();
            List<FlightPagesFixture.Fare> shown = java.util.stream.IntStream.rangeClosed(1, PAGES)
                    .mapToObj(p -> fixture.fares(name, p)).flatMap(List::stream).toList();
            assertThat(seen).hasSize(PAGES * ROWS);
            for (int i = 0; i < shown.size(); i++) {
                FlightPagesFixture.Fare f = shown.get(i);
                FlightObservation o = seen.get(i);
                assertThat(o.flightNumber()).isEqualTo(f.flightNumber().replace(" ", ""));
                assertThat(o.airline()).isEqualTo(f.airline());
                assertThat(o.source()).isEqualTo(f.originCity());
                assertThat(o.destination()).isEqualTo(f.destinationCity());
                assertThat(o.originCode()).isEqualTo(f.originCode());
                assertThat(o.destinationCode()).isEqualTo(f.destinationCode());
                assertThat(o.departureTime()).isEqualTo(f.departure().toInstant());
                assertThat(o.price()).isEqualByComparingTo(f.price());
                assertThat(o.currency()).isEqualTo("INR");
                assertThat(o.scrapedAt()).isEqualTo(NOW);
                assertThat(o.sourceSite()).isEqualTo(name);
            }
        }

        assertThat(scraper.pages().get()).isEqualTo(2 * PAGES);
        // the last farecards page's next link goes into /private/: robots.txt keeps the scraper out
        assertThat(scraper.robotsSkips().get()).isEqualTo(1);
        assertThat(fixture.requests("/farecards/private")).isZero();
        assertThat(fixture.requests("/robots.txt")).isEqualTo(2);      // each site reads and caches its own
        assertThat(agentsSeen).containsExactly(AGENT);
        assertThat(scraper.layoutMisses().get() + scraper.fieldMisses().get() + scraper.failures().get()).isZero();
    }

    @Test
    void robotsTxtIsReadOncePerSiteInTenMinutes() {
        FlightPageScraper scraper = scraper(1);
        SiteSelectors skyfares = site(FlightPagesFixture.SKYFARES, Map.of());

        scraper.scrape(skyfares);
        scraper.scrape(skyfares);

        assertThat(fixture.requestedPaths()).containsExactly("/robots.txt", "/skyfares/fares?page=1",
                "/skyfares/fares?page=1");
    }

    @Test
    void followsNextLinksUpToMaxPagesOnly() {
        List<Harvested> harvested = scraper(2).scrape(site(FlightPagesFixture.SKYFARES, Map.of()));

        assertThat(harvested).hasSize(2 * ROWS);
        assertThat(fixture.requestedPaths()).containsExactly("/robots.txt", "/skyfares/fares?page=1",
                "/skyfares/fares?page=2");
    }

    @Test
    void readsEachSitesNotation() {
        FlightPageScraper scraper = scraper(5);
        Map<String, String> local = Map.of("start-url", root + "/static/skyfares", "robots-url", root + "/static/robots.txt");
        Map<String, String> cards = Map.of("start-url", root + "/static/farecards", "robots-url", root + "/static/robots.txt");

        FlightObservation table = scraper.scrape(site(FlightPagesFixture.SKYFARES, local)).get(0).observation();
        FlightObservation card = scraper.scrape(site(FlightPagesFixture.FARECARDS, cards)).get(0).observation();

        assertThat(table).isEqualTo(new FlightObservation("AI303", "Air India", "Delhi", "Mumbai", "DEL", "BOM",
                table.price(), "INR", Instant.parse("2026-12-05T00:30:00Z"), null, NOW, "skyfares"));
        assertThat(table.price()).isEqualByComparingTo("4500.00");
        assertThat(card).isEqualTo(new FlightObservation("6E2134", "IndiGo", "Bengaluru", "Goa", "BLR", "GOI",
                card.price(), "INR", Instant.parse("2026-12-05T00:30:00Z"), null, NOW, "farecards"));
        assertThat(card.price()).isEqualByComparingTo("4500.00");
        // the robots.txt of these pages is missing: everything is allowed
        assertThat(scraper.robotsSkips().get()).isZero();
    }

    @Test
    void aChangedLayoutYieldsNothingAndCountsOneLayoutMiss() {
        fixture.changeLayout(FlightPagesFixture.SKYFARES, true);
        FlightPageScraper scraper = scraper(10);

        assertThat(scraper.scrape(site(FlightPagesFixture.SKYFARES, Map.of()))).isEmpty();
        assertThat(scraper.layoutMisses().get()).isEqualTo(1);
        assertThat(scraper.pages().get()).isEqualTo(1);

        fixture.changeLayout(FlightPagesFixture.SKYFARES, false);
        assertThat(scraper.scrape(site(FlightPagesFixture.SKYFARES, Map.of()))).hasSize(PAGES * ROWS);
        assertThat(scraper.layoutMisses().get()).isEqualTo(1);
    }

    @Test
    void badRowsAreRejectedNamingTheFieldAndTheOthersKept() {
        fixture.includeBadRow(true);
        FlightPageScraper scraper = scraper(10);

        for (String name : List.of(FlightPagesFixture.SKYFARES, FlightPagesFixture.FARECARDS)) {
            List<Harvested> harvested = scraper.scrape(site(name, Map.of()));

            assertThat(harvested.stream().filter(h -> h.observation() != null)).hasSize(PAGES * ROWS);
            List<String> reasons = harvested.stream().filter(h -> h.rejection() != null).map(Harvested::rejection).toList();
            assertThat(reasons).hasSize(2);
            assertThat(reasons.get(0)).startsWith(name + " row 2 on " + root + BASE + "/")
                    .contains("price 'call us'").contains("is not a number");
            assertThat(reasons.get(1)).startsWith(name + " row 4 on ").contains("flight_number 'TBA'");
            assertThat(harvested.get(1).raw()).contains("call us");
        }
    }

    @Test
    void aMissingStartPageIsAnErrorNamingTheSiteAndUrl() {
        FlightPageScraper scraper = scraper(10);
        String url = root + BASE + "/skyfares/nowhere";

        assertThatThrownBy(() -> scraper.scrape(site(FlightPagesFixture.SKYFARES, Map.of("start-url", url))))
                .isInstanceOf(FlightPageScraper.ScrapeException.class)
                .hasMessageContaining("site skyfares").hasMessageContaining(url).hasMessageContaining("404");
        assertThat(scraper.failures().get()).isEqualTo(1);
    }

    @Test
    void aDisallowedStartPageIsNeverFetched() {
        FlightPageScraper scraper = scraper(10);
        String url = root + BASE + "/farecards/private/archive";

        assertThat(scraper.scrape(site(FlightPagesFixture.FARECARDS, Map.of("start-url", url)))).isEmpty();
        assertThat(scraper.robotsSkips().get()).isEqualTo(1);
        assertThat(fixture.requests("/farecards/private")).isZero();
    }

    @Test
    void theCamelAdapterAnswersWithTheResponseHeadersOnly() throws Exception {
        try (org.apache.camel.impl.DefaultCamelContext camel = new org.apache.camel.impl.DefaultCamelContext()) {
            org.apache.camel.Exchange ex = new org.apache.camel.support.DefaultExchange(camel);
            ex.getMessage().setHeader(org.apache.camel.Exchange.HTTP_METHOD, "GET");
            ex.getMessage().setHeader(org.apache.camel.Exchange.HTTP_PATH, "/skyfares/fares");
            ex.getMessage().setHeader(org.apache.camel.Exchange.HTTP_QUERY, "page=2&x=a%20b");
            ex.getMessage().setHeader("User-Agent", AGENT);
            ex.getMessage().setHeader("Cookie", "session=1");

            fixture.serve(ex);

            assertThat(ex.getMessage().getHeaders()).containsOnlyKeys(org.apache.camel.Exchange.HTTP_RESPONSE_CODE,
                    org.apache.camel.Exchange.CONTENT_TYPE, "Cache-Control");
            assertThat(ex.getMessage().getHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
            assertThat(ex.getMessage().getBody(String.class)).contains("Page 2 of " + PAGES)
                    .contains("href=\"" + BASE + "/skyfares/fares?page=3\"");
            assertThat(fixture.requestedPaths()).containsExactly("/skyfares/fares?page=2&x=a b");
            assertThat(fixture.userAgents()).containsExactly(AGENT);
        }
    }

    @Test
    void aMissingPropertyIsNamedInFull() {
        Map<String, String> props = properties(FlightPagesFixture.SKYFARES, Map.of());
        props.remove("flights.pages.site.skyfares.row");

        assertThatThrownBy(() -> SiteSelectors.fromProperties(FlightPagesFixture.SKYFARES, props::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flights.pages.site.skyfares.row");
    }

    @Test
    void robotsRulesFollowRfc9309() {
        RobotsRules rules = RobotsRules.parse("""
                # shop
                User-agent: *
                Disallow: /
                Allow: /public/

                User-agent: other-bot
                user-agent: Camel-Pipelines-Flights
                Disallow: /private/ # members
                Allow: /private/open$
                Disallow: /*.pdf$
                Sitemap: https://example.org/sitemap.xml
                Disallow: /search?q=
                """, AGENT);

        assertThat(rules.allows(URI.create("http://h/anything"))).isTrue();
        assertThat(rules.allows(URI.create("http://h/private/x"))).isFalse();
        assertThat(rules.allows(URI.create("http://h/private/open"))).isTrue();
        assertThat(rules.allows(URI.create("http://h/private/open/more"))).isFalse();
        assertThat(rules.allows(URI.create("http://h/docs/a.pdf"))).isFalse();
        assertThat(rules.allows(URI.create("http://h/docs/a.pdf?x=1"))).isTrue();
        assertThat(rules.allows(URI.create("http://h/search?q=x"))).isFalse();

        RobotsRules star = RobotsRules.parse("User-agent: *\nDisallow: /\nAllow: /public/\n", AGENT);
        assertThat(star.allows(URI.create("http://h/public/a"))).isTrue();
        assertThat(star.allows(URI.create("http://h/other"))).isFalse();
        assertThat(RobotsRules.parse("User-agent: x\nDisallow: /\n", AGENT).allows(URI.create("http://h/a"))).isTrue();
        assertThat(RobotsRules.parse("User-agent: *\nDisallow: /a\nAllow: /a\n", AGENT)
                .allows(URI.create("http://h/a"))).isTrue();
    }

    private FlightPageScraper scraper(int maxPages) {
        return new FlightPageScraper(AGENT, Duration.ofSeconds(5), Duration.ofMillis(5), maxPages, airports, CLOCK);
    }

    private SiteSelectors site(String name, Map<String, String> overrides) {
        Map<String, String> props = properties(name, overrides);
        return SiteSelectors.fromProperties(name, props::get);
    }

    private Map<String, String> properties(String name, Map<String, String> overrides) {
        String base = root + BASE;
        Map<String, String> p = new HashMap<>();
        if (name.equals(FlightPagesFixture.SKYFARES)) {
            p.put("start-url", base + "/skyfares/fares?page=1");
            p.put("robots-url", base + "/robots.txt");
            p.put("row", "table.fares tr.fare");
            p.put("flight-number", "td.flight");
            p.put("airline", "td.airline");
            p.put("origin", "td.from");
            p.put("destination", "td.to");
            p.put("departure", "td.depart");
            p.put("departure-format", "dd MMM yyyy HH:mm");
            p.put("price", "td.price");
            p.put("fixed-currency", "INR");
            p.put("next", "a.next");
        } else {
            p.put("start-url", base + "/farecards/deals/1");
            p.put("robots-url", base + "/robots.txt");
            p.put("row", "div.deal-card");
            p.put("flight-number", "span.code");
            p.put("airline", "span.carrier");
            p.put("origin", "span.city-from");
            p.put("destination", "span.city-to");
            p.put("departure", "time.departure");
            p.put("departure-attribute", "datetime");
            p.put("price", "span.amount");
            p.put("currency", "span.currency");
            p.put("next", "a[rel=next]");
        }
        p.putAll(overrides);
        Map<String, String> keyed = new HashMap<>();
        p.forEach((k, v) -> keyed.put(SiteSelectors.PREFIX + name + "." + k, v));
        return keyed;
    }

    private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final Map<String, String> STATIC = Map.of("/static/skyfares", """
            <html><body><table class="fares">
            <tr><th>Flight</th><th>Airline</th><th>From</th><th>To</th><th>Departs</th><th>Fare</th></tr>
            <tr class="fare"><td class="flight">AI 303</td><td class="airline">Air India</td><td class="from">DEL</td>
            <td class="to">BOM</td><td class="depart">05 Dec 2026 06:00</td><td class="price">₹4,500</td></tr>
            </table></body></html>
            """, "/static/farecards", """
            <html><head><link rel="next" href="/static/nowhere"></head><body>
            <div class="deal-card"><span class="code">6E2134</span> <span class="carrier">IndiGo</span>
            <span class="city-from">Bengaluru</span> → <span class="city-to">Goa</span>
            <time class="departure" datetime="2026-12-05T06:00:00+05:30">Sat 5 Dec, 06:00</time>
            <span class="currency">INR</span> <span class="amount">4,500.00</span></div>
            </body></html>
            """);
}
