package io.camelpipelines.flights;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight offers from an Amadeus Self-Service style API: a client-credentials token, kept until shortly before it
 * expires, then {@code GET /v2/shopping/flight-offers}; each offer becomes an observation or, when it cannot be one,
 * a rejection naming the field, so one bad offer never costs the others. Rate limits and server faults are retried
 * within a bounded budget; a search that still fails throws {@link ApiException}, whose message never holds the client
 * secret or a token.
 */
public class FlightOffersClient {

    private static final Logger LOG = LoggerFactory.getLogger(FlightOffersClient.class);
    private static final int MAX_OFFERS = 50;
    private static final Duration MAX_TOKEN_MARGIN = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI tokenUri;
    private final String offersUrl;
    private final String clientId;
    private final String clientSecret;
    private final Airports airports;
    private final String sourceSite;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxRetryAfter;
    private final Clock clock;
    private final FlightObservationParser rules = new FlightObservationParser();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong tokenRenewals = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    // written only under this object's lock, read without it by redact
    private volatile Token token;

    private record Token(String value, Instant renewAt) {
    }

    /** A search that failed: {@code status} is the API's last HTTP status, 0 when no answer came. */
    public static final class ApiException extends RuntimeException {

        private final int status;

        ApiException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * @param maxAttempts    attempts per request in total, the first included, when the API answers 429 or 5xx or does
     *                       not answer
     * @param initialBackoff wait before the second attempt, doubled for each further one
     * @param maxRetryAfter  the longest wait between two attempts, whatever Retry-After asks
     */
    public FlightOffersClient(String baseUrl, String clientId, String clientSecret, Airports airports, String sourceSite,
            Duration timeout, int maxAttempts, Duration initialBackoff, Duration maxRetryAfter, Clock clock) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl").trim().replaceAll("/+$", "");
        if (base.isEmpty()) {
            throw new IllegalArgumentException("the flight-offers API base URL is blank");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts " + maxAttempts + " is below 1");
        }
        if (timeout.isNegative() || timeout.isZero() || initialBackoff.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, backoff and maxRetryAfter not negative");
        }
        this.tokenUri = URI.create(base + FlightOffersFixture.TOKEN_PATH);
        this.offersUrl = base + FlightOffersFixture.OFFERS_PATH;
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.airports = Objects.requireNonNull(airports, "airports");
        this.sourceSite = sourceSite;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** The offers for one search, each mapped or rejected; throws {@link ApiException} when the API gave none. */
    public List<Harvested> search(OffersSearch s) {
        requests.incrementAndGet();
        try {
            return offers(s);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            throw e;
        }
    }

    /** Searches started. */
    public long requests() {
        return requests.get();
    }

    /** HTTP requests sent again after a 429, a 5xx, a timeout or a connection error. */
    public long retries() {
        return retries.get();
    }

    /** Tokens fetched again because the API refused one before its stated expiry. */
    public long tokenRenewals() {
        return tokenRenewals.get();
    }

    /** Searches that threw. */
    public long failures() {
        return failures.get();
    }

    private List<Harvested> offers(OffersSearch s) {
        URI uri = URI.create(offersUrl + "?originLocationCode=" + encode(s.origin()) + "&destinationLocationCode="
                + encode(s.destination()) + "&departureDate=" + s.date() + "&adults=" + s.adults() + "&max=" + MAX_OFFERS);
        String what = "GET " + uri;
        String bearer = token();
        HttpResponse<String> r = send(offersRequest(uri, bearer), what);
        if (r.statusCode() == 401) {
            // the API forgets tokens before their stated expiry (restarts, revocations): one fresh token is worth a try
            tokenRenewals.incrementAndGet();
            discard(bearer);
            r = send(offersRequest(uri, token()), what);
            if (r.statusCode() == 401) {
                throw fail(what + " answered 401 " + describe(r.body()) + " to a newly issued token", 401);
            }
        }
        if (r.statusCode() / 100 != 2) {
            throw fail(what + " answered " + r.statusCode() + " " + describe(r.body()), r.statusCode());
        }
        return harvest(r.body(), what);
    }

    private HttpRequest offersRequest(URI uri, String bearer) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/vnd.amadeus+json, application/json")
                .header("Authorization", "Bearer " + bearer).GET().build();
    }

    private synchronized String token() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(token.renewAt())) {
            return token.value();
        }
        String what = "POST " + tokenUri;
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret=" + encode(clientSecret);
        HttpResponse<String> r = send(HttpRequest.newBuilder(tokenUri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), what);
        if (r.statusCode() != 200) {
            throw fail(what + " answered " + r.statusCode() + " " + describe(r.body())
                    + (r.statusCode() == 401 ? ": the client id or secret is not accepted" : ""), r.statusCode());
        }
        JsonNode n = readTree(r.body());
        JsonNode access = n == null ? null : n.get("access_token");
        JsonNode expires = n == null ? null : n.get("expires_in");
        if (access == null || !access.isTextual() || access.asText().isBlank() || expires == null || !expires.canConvertToLong()
                || expires.asLong() <= 0) {
            throw fail(what + " answered 200 without an access_token and a positive expires_in", 200);
        }
        Duration life = Duration.ofSeconds(expires.asLong());
        Duration margin = life.dividedBy(10).compareTo(MAX_TOKEN_MARGIN) < 0 ? life.dividedBy(10) : MAX_TOKEN_MARGIN;
        token = new Token(access.asText(), now.plus(life).minus(margin));
        return token.value();
    }

    private synchronized void discard(String stale) {
        if (token != null && token.value().equals(stale)) {
            token = null;
        }
    }

    /** The first answer that is neither 429 nor 5xx; those, timeouts and connection errors are retried within budget. */
    private HttpResponse<String> send(HttpRequest request, String what) {
        for (int attempt = 1;; attempt++) {
            String problem;
            int status = 0;
            Duration wait;
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                if (status != 429 && status < 500) {
                    return r;
                }
                problem = "answered " + status + " " + describe(r.body());
                wait = status == 429 ? retryAfter(r).orElse(backoff(attempt)) : backoff(attempt);
            } catch (HttpTimeoutException e) {
                problem = "got no answer within " + timeout.toMillis() + " ms";
                wait = backoff(attempt);
            } catch (IOException e) {
                problem = "failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(what + " was interrupted", 0);
            }
            if (attempt >= maxAttempts) {
                throw fail(what + " " + problem + " (" + attempt + (attempt == 1 ? " attempt)" : " attempts)"), status);
            }
            Duration pause = wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait;
            retries.incrementAndGet();
            LOG.info("{} {}; attempt {} of {}, next in {} ms", what, redact(problem), attempt, maxAttempts, pause.toMillis());
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(what + " was interrupted while waiting to retry", status);
            }
        }
    }

    private Duration backoff(int attempt) {
        return initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
    }

    private Optional<Duration> retryAfter(HttpResponse<String> r) {
        Optional<String> v = r.headers().firstValue("Retry-After").map(String::trim);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.get()))));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeException unparsable) {
                return Optional.empty();
            }
        }
    }

    private List<Harvested> harvest(String body, String what) {
        JsonNode root = readTree(body);
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw fail(what + " answered without a data array", 200);
        }
        JsonNode carriers = root.path("dictionaries").path("carriers");
        Instant scrapedAt = clock.instant();
        List<Harvested> harvested = new ArrayList<>(data.size());
        for (JsonNode offer : data) {
            String raw = offer.toString();
            try {
                harvested.add(Harvested.of(raw, rules.check(observation(offer, carriers, scrapedAt))));
            } catch (InvalidRecordException e) {
                harvested.add(Harvested.rejected(raw, "offer " + offer.path("id").asText("?") + ": " + e.getMessage()));
            }
        }
        return harvested;
    }

    private FlightObservation observation(JsonNode offer, JsonNode carriers, Instant scrapedAt)
            throws InvalidRecordException {
        JsonNode segments = offer.path("itineraries").path(0).path("segments");
        if (!segments.isArray() || segments.isEmpty()) {
            throw new InvalidRecordException("missing itineraries[0].segments");
        }
        int lastIndex = segments.size() - 1;
        JsonNode first = segments.get(0);
        JsonNode last = segments.get(lastIndex);
        String carrier = text(first, "carrierCode", "segments[0].carrierCode");
        String number = text(first, "number", "segments[0].number");
        String origin = text(first.path("departure"), "iataCode", "segments[0].departure.iataCode");
        String destination = text(last.path("arrival"), "iataCode", "segments[" + lastIndex + "].arrival.iataCode");
        Instant departure = localTime(first.path("departure"), origin, "segments[0].departure.at");
        Instant arrival = last.path("arrival").hasNonNull("at")
                ? localTime(last.path("arrival"), destination, "segments[" + lastIndex + "].arrival.at") : null;
        JsonNode price = offer.path("price");
        String total = text(price, "total", "price.total");
        BigDecimal amount;
        try {
            amount = new BigDecimal(total.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("price.total '" + total + "' is not a number");
        }
        String currency = text(price, "currency", "price.currency");
        JsonNode name = carriers.get(carrier);
        String airline = name != null && name.isTextual() && !name.asText().isBlank() ? titleCase(name.asText()) : carrier;
        return new FlightObservation(carrier + number, airline, airports.city(origin).orElse(origin),
                airports.city(destination).orElse(destination), origin, destination, amount, currency, departure, arrival,
                scrapedAt, sourceSite);
    }

    /** Amadeus gives times local to the airport without an offset; the airport table knows the zone. */
    private Instant localTime(JsonNode place, String airport, String field) throws InvalidRecordException {
        String at = text(place, "at", field);
        try {
            return LocalDateTime.parse(at).atZone(airports.zone(airport)).toInstant();
        } catch (DateTimeException e) {
            throw new InvalidRecordException(field + " '" + at + "' is not a local date-time");
        }
    }

    private static String text(JsonNode node, String name, String field) throws InvalidRecordException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isValueNode() && v.asText().isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new InvalidRecordException(field + " must be a string, not " + v.getNodeType().name().toLowerCase());
        }
        return v.asText();
    }

    /** Carrier dictionaries are in capitals ("AIR INDIA"); observations carry names as people write them. */
    static String titleCase(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean wordStart = true;
        for (char c : s.trim().toCharArray()) {
            sb.append(wordStart ? Character.toUpperCase(c) : Character.toLowerCase(c));
            wordStart = !Character.isLetterOrDigit(c) && c != '\'';
        }
        return sb.toString();
    }

    /** The API's own account of an error: errors[].code/title/detail or OAuth's error/error_description. */
    private static String describe(String body) {
        JsonNode n;
        try {
            n = body == null || body.isBlank() ? null : Json.DECIMALS.readTree(body);
        } catch (IOException e) {
            n = null;
        }
        if (n != null && n.path("errors").isArray() && !n.path("errors").isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : n.path("errors")) {
                parts.add((e.path("code").asText("") + " " + e.path("title").asText("")).trim()
                        + (e.hasNonNull("detail") ? ": " + e.path("detail").asText() : "")
                        + (e.path("source").hasNonNull("parameter") ? " (" + e.path("source").path("parameter").asText() + ")" : ""));
            }
            return "(" + String.join("; ", parts) + ")";
        }
        if (n != null && n.hasNonNull("error")) {
            return "(" + n.path("error").asText() + (n.hasNonNull("error_description") ? ": "
                    + n.path("error_description").asText() : "") + ")";
        }
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String text = body.strip().replaceAll("\\s+", " ");
        return "(" + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + ")";
    }

    private JsonNode readTree(String body) {
        try {
            return Json.DECIMALS.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw fail("the flight-offers API answered malformed JSON: " + e.getOriginalMessage(), 200);
        }
    }

    /** Every message goes through here: an API that echoes the secret or a token must not get it into a log. */
    private ApiException fail(String message, int status) {
        return new ApiException(redact(message), status);
    }

    private String redact(String message) {
        String m = clientSecret.isEmpty() ? message : message.replace(clientSecret, "***");
        Token t = token;
        return t == null ? m : m.replace(t.value(), "***");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
