package io.camelpipelines.flights;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.camelpipelines.common.Json;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlightOffersClientTest {

    private static final String BASE_PATH = "/sim/flights/api";
    private static final String SECRET = "s3cr3t-Value-42";
    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private static final Airports AIRPORTS = Airports.fromResource("flights/airports.csv");

    private FlightOffersFixture fixture;
    private HttpServer server;
    private String baseUrl;

    @BeforeEach
    void serveFixture() throws IOException {
        fixture = new FlightOffersFixture("camel-client", SECRET, Duration.ofMinutes(30), Clock.systemUTC());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BASE_PATH, ex -> {
            try {
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                ex.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
                FixtureResponse r = fixture.respond(ex.getRequestMethod(),
                        ex.getRequestURI().getPath().substring(BASE_PATH.length()),
                        FlightOffersFixture.decodeForm(ex.getRequestURI().getRawQuery()), headers,
                        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                r.headers().forEach(ex.getResponseHeaders()::set);
                ex.getResponseHeaders().set("Content-Type", r.contentType());
                byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
                ex.getResponseBody().write(body);
            } finally {
                ex.close();
            }
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + BASE_PATH;
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private FlightOffersClient client(String secret) {
        return new FlightOffersClient(baseUrl, "camel-client", secret, AIRPORTS, "amadeus-api", Duration.ofSeconds(5), 3,
                Duration.ofMillis(5), Duration.ofSeconds(2), Clock.systemUTC());
    }

    private static OffersSearch delhiMumbai() {
        return new OffersSearch("DEL", "BOM", LocalDate.now(INDIA).plusDays(3), 1);
    }

    @Test
    void offersBecomeObservationsWithLocalTimesInTheAirportsZone() throws Exception {
        FlightOffersClient client = client(SECRET);
        List<Harvested> first = client.search(delhiMumbai());

        assertThat(first).isNotEmpty().allSatisfy(h -> assertThat(h.rejection()).isNull());
        for (Harvested h : first) {
            FlightObservation o = h.observation();
            JsonNode offer = Json.DECIMALS.readTree(h.raw());
            JsonNode segments = offer.at("/itineraries/0/segments");
            assertThat(o.flightNumber()).matches("(AI|6E|UK|SG|QP|IX)[0-9]{3,4}")
                    .isEqualTo(segments.get(0).get("carrierCode").asText() + segments.get(0).get("number").asText());
            assertThat(o.airline()).isIn("Air India", "Indigo", "Vistara", "Spicejet", "Akasa Air", "Air India Express");
            assertThat(List.of(o.source(), o.destination(), o.originCode(), o.destinationCode()))
                    .containsExactly("Delhi", "Mumbai", "DEL", "BOM");
            assertThat(o.departureTime()).isEqualTo(LocalDateTime.parse(segments.get(0).at("/departure/at").asText())
                    .atZone(INDIA).toInstant());
            assertThat(o.arrivalTime()).isEqualTo(LocalDateTime.parse(segments.get(segments.size() - 1)
                    .at("/arrival/at").asText()).atZone(INDIA).toInstant()).isAfter(o.departureTime());
            assertThat(o.price()).isEqualTo(new BigDecimal(offer.at("/price/total").asText())).isPositive();
            assertThat(o.currency()).isEqualTo("INR");
            assertThat(o.sourceSite()).isEqualTo("amadeus-api");
            assertThat(o.scrapedAt()).isBefore(o.departureTime());
        }

        List<Harvested> second = client.search(delhiMumbai());
        assertThat(departures(second)).isEqualTo(departures(first));
        assertThat(client.requests()).isEqualTo(2);
    }

    private static Map<String, Object> departures(List<Harvested> harvested) {
        Map<String, Object> byFlight = new TreeMap<>();
        harvested.forEach(h -> byFlight.put(h.observation().flightNumber(), h.observation().departureTime()));
        return byFlight;
    }

    @Test
    void routesMissingFromTheAirportTableStillAnswerWithTheirCodes() {
        List<Harvested> offers = client(SECRET).search(new OffersSearch("XQA", "XQB", LocalDate.now(INDIA).plusDays(5), 2));
        assertThat(offers).isNotEmpty().allSatisfy(h -> {
            assertThat(h.rejection()).isNull();
            assertThat(h.observation().source()).isEqualTo("XQA");
            assertThat(h.observation().destination()).isEqualTo("XQB");
        });
    }

    @Test
    void theTokenIsReusedAndRenewedOnceTheApiRefusesIt() {
        FlightOffersClient client = client(SECRET);
        client.search(delhiMumbai());
        client.search(delhiMumbai());
        assertThat(fixture.tokensIssued()).isEqualTo(1);
        assertThat(fixture.offerRequests()).isEqualTo(2);

        fixture.expireTokens();
        assertThat(client.search(delhiMumbai())).isNotEmpty();
        assertThat(client.tokenRenewals()).isEqualTo(1);
        assertThat(fixture.tokensIssued()).isEqualTo(2);
        assertThat(client.failures()).isZero();
    }

    @Test
    void aRateLimitIsWaitedOutAsRetryAfterSays() {
        FlightOffersClient client = client(SECRET);
        fixture.failNext(1, 429, 1);
        assertThat(client.search(delhiMumbai())).isNotEmpty();
        assertThat(client.retries()).isEqualTo(1);
        assertThat(fixture.offerRequests()).isEqualTo(2);
    }

    @Test
    void serverErrorsBeyondTheAttemptsFailTheSearch() {
        FlightOffersClient client = client(SECRET);
        fixture.failNext(5, 500, 0);
        assertThatThrownBy(() -> client.search(delhiMumbai())).isInstanceOf(FlightOffersClient.ApiException.class)
                .hasMessageContaining(baseUrl + "/v2/shopping/flight-offers?originLocationCode=DEL")
                .hasMessageContaining("answered 500").hasMessageContaining("SYSTEM ERROR HAS OCCURRED")
                .hasMessageContaining("3 attempts");
        assertThat(client.failures()).isEqualTo(1);
        assertThat(client.retries()).isEqualTo(2);
        assertThat(fixture.offerRequests()).isEqualTo(3);
    }

    @Test
    void aRequestTheApiCallsInvalidFailsAtOnceWithItsDetail() {
        FlightOffersClient client = client(SECRET);
        assertThatThrownBy(() -> client.search(new OffersSearch("DEL", "BOM", LocalDate.now(INDIA).minusDays(2), 1)))
                .hasMessageContaining("answered 400").hasMessageContaining("Date/Time is in the past");
        assertThat(client.retries()).isZero();
        assertThat(fixture.offerRequests()).isEqualTo(1);
    }

    @Test
    void malformedOffersAreRejectedOneByOne() {
        fixture.includeMalformedOffer(true);
        List<Harvested> offers = client(SECRET).search(delhiMumbai());

        List<String> reasons = offers.stream().filter(h -> h.rejection() != null).map(Harvested::rejection).toList();
        assertThat(reasons).hasSize(2).anySatisfy(r -> assertThat(r).startsWith("offer ").contains("missing price.total"))
                .anySatisfy(r -> assertThat(r).contains("flight_number 'AABCDE'"));
        assertThat(offers.stream().filter(h -> h.observation() != null)).hasSize(offers.size() - 2).isNotEmpty();
        assertThat(offers).allSatisfy(h -> assertThat(h.raw()).startsWith("{\"type\":\"flight-offer\""));
    }

    @Test
    void refusedCredentialsFailWithoutRevealingTheSecret() {
        String wrong = "not-the-secret-9f3";
        FlightOffersClient client = client(wrong);
        assertThatThrownBy(() -> client.search(delhiMumbai())).isInstanceOf(FlightOffersClient.ApiException.class)
                .hasMessageContaining("401").hasMessageContaining("invalid_client")
                .hasMessageNotContaining(wrong).hasMessageNotContaining(SECRET);
        assertThat(client.failures()).isEqualTo(1);
        assertThat(fixture.tokensIssued()).isZero();
        assertThat(fixture.offerRequests()).isZero();
    }

    @Test
    void theCamelAdapterAnswersPlatformHttpsFormMapAndDropsTheRequestHeaders() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            Map<String, Object> form = new LinkedHashMap<>(Map.of("grant_type", "client_credentials",
                    "client_id", "camel-client", "client_secret", SECRET));
            exchange.getMessage().setHeaders(new LinkedHashMap<>(form));
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/v1/security/oauth2/token");
            exchange.getMessage().setBody(form);

            fixture.serve(exchange);

            assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
            assertThat(exchange.getMessage().getHeaders()).doesNotContainKey("client_secret");
            assertThat(Json.DECIMALS.readTree(exchange.getMessage().getBody(String.class)).get("expires_in").asLong())
                    .isEqualTo(1800);

            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, "/v2/nothing");
            fixture.serve(exchange);
            assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
        }
    }

    @Test
    void searchesAreParsedFromConfiguration() {
        LocalDate today = LocalDate.of(2026, 12, 1);
        assertThat(OffersSearch.parse("DEL-BOM@+3, BLR-DEL@+7x2 ,bom-goi@2026-12-20,", today)).containsExactly(
                new OffersSearch("DEL", "BOM", LocalDate.of(2026, 12, 4), 1),
                new OffersSearch("BLR", "DEL", LocalDate.of(2026, 12, 8), 2),
                new OffersSearch("BOM", "GOI", LocalDate.of(2026, 12, 20), 1));
        assertThat(OffersSearch.parse(" ", today)).isEmpty();
        assertThatThrownBy(() -> OffersSearch.parse("DEL-BOM@+3, DEL-BOM@tomorrow", today))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'DEL-BOM@tomorrow'")
                .hasMessageContaining("must look like ORIGIN-DESTINATION@+DAYS");
        assertThatThrownBy(() -> OffersSearch.parse("DEL-BOM@2026-02-30", today))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'DEL-BOM@2026-02-30'");
        assertThatThrownBy(() -> OffersSearch.parse("DEL-DEL@+1", today)).hasMessageContaining("'DEL-DEL@+1'");
        assertThatThrownBy(() -> OffersSearch.parse("DEL-BOM@+1x0", today)).hasMessageContaining("adults 0");
    }
}
