package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelpipelines.common.Json;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * A stand-in for Amadeus Self-Service's flight-offers search (client-credentials tokens, then
 * {@code GET /v2/shopping/flight-offers}), served by the application itself so the API source runs offline and tests can
 * make it fail the ways the real API does. Every route has a fixed timetable derived from its two codes, so repeated polls
 * observe the same flights; fares follow distance and days to departure and drift with the clock, so repeated polls see
 * them move.
 */
public class FlightOffersFixture {

    static final String TOKEN_PATH = "/v1/security/oauth2/token";
    static final String OFFERS_PATH = "/v2/shopping/flight-offers";

    private static final String JSON = "application/json";
    private static final String AMADEUS_JSON = "application/vnd.amadeus+json";
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Pattern IATA = Pattern.compile("[A-Z]{3}");
    private static final String TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** Amadeus does not sell a departure this close; it also keeps the observations' departure after their scrape time. */
    private static final Duration MIN_NOTICE = Duration.ofHours(1);

    private static final Map<String, String> CARRIERS = orderedMap("AI", "AIR INDIA", "6E", "INDIGO", "UK", "VISTARA",
            "SG", "SPICEJET", "QP", "AKASA AIR", "IX", "AIR INDIA EXPRESS");
    private static final List<String> CARRIER_CODES = List.copyOf(CARRIERS.keySet());
    /** Full-service carriers price above the low-cost ones. */
    private static final Map<String, Double> CARRIER_FARE = Map.of("AI", 1.08, "6E", 1.0, "UK", 1.15, "SG", 0.95,
            "QP", 0.93, "IX", 0.9);
    private static final Map<String, List<String>> FLEET = Map.of("AI", List.of("32N", "321", "320"),
            "6E", List.of("32N", "321", "AT7"), "UK", List.of("32N", "321"), "SG", List.of("7M8", "738", "DH8"),
            "QP", List.of("7M8"), "IX", List.of("7M8", "738"));
    /** Only these fly wide-bodies out of India; the others stay on routes a narrow-body reaches. */
    private static final List<String> LONG_HAUL = List.of("AI", "6E");
    private static final Map<String, String> WIDEBODY = Map.of("AI", "788", "6E", "789", "UK", "789");
    private static final Map<String, String> AIRCRAFT = Map.of("32N", "AIRBUS A320NEO", "320", "AIRBUS A320",
            "321", "AIRBUS A321", "AT7", "ATR 72", "7M8", "BOEING 737 MAX 8", "738", "BOEING 737-800",
            "DH8", "DE HAVILLAND DASH 8-400", "788", "BOEING 787-8", "789", "BOEING 787-9");
    private static final List<String> HUBS = List.of("DEL", "BOM", "BLR", "HYD");
    /** Latitude and longitude of the airports in flights/airports.csv, for great-circle distances. */
    private static final Map<String, double[]> POSITION = Map.ofEntries(
            Map.entry("DEL", new double[] {28.556, 77.100}), Map.entry("BOM", new double[] {19.089, 72.868}),
            Map.entry("BLR", new double[] {13.199, 77.706}), Map.entry("MAA", new double[] {12.994, 80.171}),
            Map.entry("CCU", new double[] {22.654, 88.447}), Map.entry("HYD", new double[] {17.240, 78.429}),
            Map.entry("AMD", new double[] {23.077, 72.635}), Map.entry("COK", new double[] {10.152, 76.402}),
            Map.entry("GOI", new double[] {15.381, 73.831}), Map.entry("GOX", new double[] {15.744, 73.861}),
            Map.entry("PNQ", new double[] {18.582, 73.920}), Map.entry("JAI", new double[] {26.824, 75.812}),
            Map.entry("LKO", new double[] {26.761, 80.889}), Map.entry("GAU", new double[] {26.106, 91.586}),
            Map.entry("TRV", new double[] {8.482, 76.920}), Map.entry("SXR", new double[] {33.987, 74.774}),
            Map.entry("IXC", new double[] {30.673, 76.789}), Map.entry("PAT", new double[] {25.591, 85.088}),
            Map.entry("BBI", new double[] {20.244, 85.818}), Map.entry("IXB", new double[] {26.681, 88.328}),
            Map.entry("VNS", new double[] {25.452, 82.859}), Map.entry("NAG", new double[] {21.092, 79.047}),
            Map.entry("IDR", new double[] {22.722, 75.801}), Map.entry("ATQ", new double[] {31.710, 74.797}),
            Map.entry("IXZ", new double[] {11.641, 92.730}), Map.entry("DXB", new double[] {25.253, 55.364}),
            Map.entry("SIN", new double[] {1.364, 103.991}), Map.entry("LHR", new double[] {51.470, -0.454}),
            Map.entry("JFK", new double[] {40.641, -73.778}), Map.entry("BKK", new double[] {13.690, 100.750}));

    private final String clientId;
    private final String clientSecret;
    private final Duration tokenLifetime;
    private final Clock clock;
    private final Airports airports = Airports.fromResource("flights/airports.csv");
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicLong tokensIssued = new AtomicLong();
    private final AtomicLong offerRequests = new AtomicLong();
    private volatile boolean malformedOffers;
    // guarded by this
    private int failRemaining;
    private int failStatus;
    private int failRetryAfter;

    public FlightOffersFixture(String clientId, String clientSecret, Duration tokenLifetime, Clock clock) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
            throw new IllegalArgumentException("token lifetime " + tokenLifetime + " is not positive");
        }
        this.tokenLifetime = tokenLifetime;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The next {@code requests} offer searches answer {@code status}; a 429 carries Retry-After when it is above 0. */
    public synchronized void failNext(int requests, int status, int retryAfterSeconds) {
        if (requests < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("failNext needs a request count >= 0 and an error status, not "
                    + requests + " x " + status);
        }
        failRemaining = requests;
        failStatus = status;
        failRetryAfter = retryAfterSeconds;
    }

    /** Every token issued so far stops working, as if its lifetime had passed. */
    public void expireTokens() {
        tokens.clear();
    }

    /** Whether each answer also carries an offer without price.total and one whose flight number is not one. */
    public void includeMalformedOffer(boolean include) {
        malformedOffers = include;
    }

    public long tokensIssued() {
        return tokensIssued.get();
    }

    public long offerRequests() {
        return offerRequests.get();
    }

    /** Camel adapter for a platform-http route: the request on the exchange's message is replaced by the answer. */
    public void serve(Exchange exchange) {
        Message in = exchange.getMessage();
        respond(in.getHeader(Exchange.HTTP_METHOD, "GET", String.class), relativePath(exchange),
                decodeForm(in.getHeader(Exchange.HTTP_QUERY, String.class)), requestHeaders(in), requestBody(in))
                .writeTo(in);
    }

    /** The answer to one request; {@code path} is relative to where the fixture is served. */
    public FixtureResponse respond(String method, String path, Map<String, String> query, Map<String, String> headers,
            String body) {
        String p = path == null || path.isBlank() ? "/" : (path.startsWith("/") ? path : "/" + path);
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String m = method == null ? "GET" : method.toUpperCase(java.util.Locale.ROOT);
        if (p.equals(TOKEN_PATH) && m.equals("POST")) {
            return token(decodeForm(body));
        }
        if (p.equals(OFFERS_PATH) && m.equals("GET")) {
            offerRequests.incrementAndGet();
            return offers(query == null ? Map.of() : query, headers == null ? Map.of() : headers);
        }
        return errors(404, error(404, 38196, "Resource not found", "The targeted resource doesn't exist", null));
    }

    private FixtureResponse token(Map<String, String> form) {
        if (!"client_credentials".equals(form.get("grant_type")) || !same(clientId, form.get("client_id"))
                || !same(clientSecret, form.get("client_secret"))) {
            return FixtureResponse.of(401, JSON, "{\"error\":\"invalid_client\",\"error_description\":\"Client credentials "
                    + "are invalid\",\"code\":38187,\"title\":\"Invalid parameters\"}");
        }
        Instant now = clock.instant();
        tokens.values().removeIf(expiry -> !expiry.isAfter(now));
        StringBuilder token = new StringBuilder(28);
        for (int i = 0; i < 28; i++) {
            token.append(TOKEN_CHARS.charAt(random.nextInt(TOKEN_CHARS.length())));
        }
        tokens.put(token.toString(), now.plus(tokenLifetime));
        tokensIssued.incrementAndGet();
        ObjectNode n = Json.DECIMALS.createObjectNode().put("type", "amadeusOAuth2Token")
                .put("username", "simulator@camel-pipelines.local").put("application_name", "camel-pipelines")
                .put("client_id", clientId).put("token_type", "Bearer").put("access_token", token.toString())
                .put("expires_in", tokenLifetime.toSeconds()).put("state", "approved").put("scope", "");
        return FixtureResponse.of(200, JSON, n.toString());
    }

    private FixtureResponse offers(Map<String, String> query, Map<String, String> headers) {
        FixtureResponse fault = injectedFault();
        if (fault != null) {
            return fault;
        }
        if (!authorized(header(headers, "Authorization"))) {
            return errors(401, error(401, 38190, "Invalid access token",
                    "The access token provided in the Authorization header is invalid", null));
        }
        ArrayNode problems = Json.DECIMALS.createArrayNode();
        String from = code(query, "originLocationCode", problems);
        String to = code(query, "destinationLocationCode", problems);
        LocalDate date = null;
        String rawDate = query.get("departureDate");
        if (rawDate == null || rawDate.isBlank()) {
            problems.add(missing("departureDate"));
        } else {
            try {
                date = LocalDate.parse(rawDate);
            } catch (DateTimeException e) {
                problems.add(error(400, 477, "INVALID FORMAT", "departureDate must be a date in the format YYYY-MM-DD",
                        "departureDate"));
            }
        }
        int adults = number(query, "adults", 1, 9, null, problems);
        int max = number(query, "max", 1, 250, 250, problems);
        if (from != null && from.equals(to)) {
            problems.add(error(400, 4926, "INVALID DATA RECEIVED", "Origin and destination must be different",
                    "destinationLocationCode"));
        }
        Instant now = clock.instant();
        if (date != null && from != null && date.isBefore(LocalDate.ofInstant(now, airports.zone(from)))) {
            problems.add(error(400, 425, "INVALID DATE", "Date/Time is in the past", "departureDate"));
        }
        if (!problems.isEmpty()) {
            return errors(400, problems);
        }
        return FixtureResponse.of(200, AMADEUS_JSON, search(from, to, date, adults, max, now).toString());
    }

    private synchronized FixtureResponse injectedFault() {
        if (failRemaining <= 0) {
            return null;
        }
        failRemaining--;
        ObjectNode e = switch (failStatus) {
            case 429 -> error(429, 38194, "Too many requests", "The network rate limit is exceeded, please try again later",
                    null);
            case 500 -> error(500, 141, "SYSTEM ERROR HAS OCCURRED", null, null);
            case 502 -> error(502, 38189, "Bad gateway", "The upstream service answered in error", null);
            case 503 -> error(503, 38189, "Service unavailable", "The service is temporarily unavailable", null);
            case 504 -> error(504, 38189, "Gateway timeout", "The upstream service did not answer in time", null);
            default -> error(failStatus, 38189, "Error", "Injected failure", null);
        };
        FixtureResponse r = errors(failStatus, e);
        return failStatus == 429 && failRetryAfter > 0
                ? new FixtureResponse(r.status(), r.contentType(), r.body(), Map.of("Retry-After", String.valueOf(failRetryAfter)))
                : r;
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        Instant expiry = tokens.get(authorization.substring(7).trim());
        return expiry != null && clock.instant().isBefore(expiry);
    }

    private ObjectNode search(String from, String to, LocalDate date, int adults, int max, Instant now) {
        List<Flight> timetable = timetable(from, to);
        record Priced(Flight flight, BigDecimal total) {
        }
        List<Priced> priced = new ArrayList<>();
        for (Flight f : timetable) {
            if (f.operatesOn(date) && departure(f, from, date).isAfter(now.plus(MIN_NOTICE))) {
                priced.add(new Priced(f, fare(f, from, to, date, now, adults)));
            }
        }
        priced.sort(Comparator.comparing(Priced::total).thenComparing(p -> p.flight().departureMinute()));
        ArrayNode data = Json.DECIMALS.createArrayNode();
        Map<String, String> carriers = new TreeMap<>();
        Map<String, String> aircraft = new TreeMap<>();
        for (Priced p : priced.subList(0, Math.min(max, priced.size()))) {
            data.add(offer(String.valueOf(data.size() + 1), p.flight(), from, date, p.total(), now, carriers, aircraft));
        }
        if (malformedOffers) {
            Flight f = timetable.get(0);
            BigDecimal total = fare(f, from, to, date, now, adults);
            ObjectNode noTotal = offer(String.valueOf(data.size() + 1), f, from, date, total, now, carriers, aircraft);
            ((ObjectNode) noTotal.get("price")).remove("total");
            data.add(noTotal);
            ObjectNode badNumber = offer(String.valueOf(data.size() + 1), f, from, date, total, now, carriers, aircraft);
            ((ObjectNode) badNumber.at("/itineraries/0/segments/0")).put("carrierCode", "A").put("number", "ABCDE");
            data.add(badNumber);
        }
        ObjectNode answer = Json.DECIMALS.createObjectNode();
        answer.putObject("meta").put("count", data.size());
        answer.set("data", data);
        ObjectNode dictionaries = answer.putObject("dictionaries");
        ObjectNode c = dictionaries.putObject("carriers");
        carriers.forEach(c::put);
        ObjectNode a = dictionaries.putObject("aircraft");
        aircraft.forEach(a::put);
        dictionaries.putObject("currencies").put("INR", "INDIAN RUPEE");
        return answer;
    }

    private ObjectNode offer(String id, Flight f, String from, LocalDate date, BigDecimal total, Instant now,
            Map<String, String> carriers, Map<String, String> aircraft) {
        ObjectNode o = Json.DECIMALS.createObjectNode().put("type", "flight-offer").put("id", id).put("source", "GDS")
                .put("instantTicketingRequired", false).put("nonHomogeneous", false).put("oneWay", false)
                .put("lastTicketingDate", date.toString())
                .put("numberOfBookableSeats", 1 + (int) (unit(mix(f.seed() ^ now.getEpochSecond() / 600)) * 9));
        ObjectNode itinerary = o.putArray("itineraries").addObject();
        ArrayNode segments = Json.DECIMALS.createArrayNode();
        Instant start = departure(f, from, date);
        Instant t = start;
        for (Leg leg : f.legs()) {
            Instant arrival = t.plus(Duration.ofMinutes(leg.blockMinutes()));
            ObjectNode s = segments.addObject();
            place(s.putObject("departure"), leg.from(), leg.carrier(), t);
            place(s.putObject("arrival"), leg.to(), leg.carrier(), arrival);
            s.put("carrierCode", leg.carrier()).put("number", leg.number());
            s.putObject("aircraft").put("code", leg.aircraft());
            s.putObject("operating").put("carrierCode", leg.carrier());
            s.put("duration", Duration.ofMinutes(leg.blockMinutes()).toString()).put("id", String.valueOf(segments.size()))
                    .put("numberOfStops", 0).put("blacklistedInEU", false);
            carriers.put(leg.carrier(), CARRIERS.get(leg.carrier()));
            aircraft.put(leg.aircraft(), AIRCRAFT.get(leg.aircraft()));
            t = arrival.plus(Duration.ofMinutes(f.layoverMinutes()));
        }
        itinerary.put("duration", Duration.between(start, t.minus(Duration.ofMinutes(f.layoverMinutes()))).toString());
        itinerary.set("segments", segments);
        BigDecimal base = total.multiply(new BigDecimal("0.86")).setScale(0, java.math.RoundingMode.HALF_UP).setScale(2);
        ObjectNode price = o.putObject("price").put("currency", "INR").put("total", total.toPlainString())
                .put("base", base.toPlainString());
        ArrayNode fees = price.putArray("fees");
        fees.addObject().put("amount", "0.00").put("type", "SUPPLIER");
        fees.addObject().put("amount", "0.00").put("type", "TICKETING");
        price.put("grandTotal", total.toPlainString());
        ObjectNode pricing = o.putObject("pricingOptions");
        pricing.putArray("fareType").add("PUBLISHED");
        pricing.put("includedCheckedBagsOnly", true);
        o.putArray("validatingAirlineCodes").add(f.legs().get(0).carrier());
        return o;
    }

    /** Amadeus gives local times without offset; the client has to know the airport's zone. */
    private void place(ObjectNode n, String code, String carrier, Instant at) {
        n.put("iataCode", code);
        String terminal = terminal(code, carrier);
        if (terminal != null) {
            n.put("terminal", terminal);
        }
        n.put("at", LOCAL_TIME.format(at.atZone(airports.zone(code))));
    }

    private static String terminal(String code, String carrier) {
        boolean airIndiaGroup = carrier.equals("AI") || carrier.equals("UK") || carrier.equals("IX");
        return switch (code) {
            case "DEL" -> airIndiaGroup ? "3" : "1";
            case "BOM" -> airIndiaGroup ? "2" : "1";
            case "BLR" -> airIndiaGroup || carrier.equals("QP") ? "2" : "1";
            default -> null;
        };
    }

    private Instant departure(Flight f, String from, LocalDate date) {
        return date.atStartOfDay(airports.zone(from)).plusMinutes(f.departureMinute()).toInstant();
    }

    /** Whole rupees, for all travellers, as Amadeus quotes domestic fares. */
    private BigDecimal fare(Flight f, String from, String to, LocalDate date, Instant now, int adults) {
        long days = Math.max(0, ChronoUnit.DAYS.between(LocalDate.ofInstant(now, airports.zone(from)), date));
        long minute = now.getEpochSecond() / 60;
        int dep = f.departureMinute();
        double drift = 1 + 0.04 * Math.sin(2 * Math.PI * (minute / 360.0 + unit(f.seed())))
                + 0.015 * (2 * unit(mix(f.seed() ^ minute / 5)) - 1);
        double fare = (1400 + 3.1 * distanceKm(from, to))
                * CARRIER_FARE.get(f.legs().get(0).carrier())
                * (0.85 + 0.95 * Math.exp(-days / 8.0))
                * (dep >= 6 * 60 && dep < 9 * 60 || dep >= 17 * 60 && dep < 21 * 60 ? 1.1 : 1.0)
                * (f.legs().size() > 1 ? 0.9 : 1.0)
                * (0.92 + 0.16 * unit(mix(f.seed() + 1)))
                * drift;
        return BigDecimal.valueOf(Math.round(fare) * adults).setScale(2);
    }

    private record Leg(String carrier, String number, String from, String to, String aircraft, int blockMinutes) {
    }

    /** {@code skippedWeekday} 0 when the flight operates daily, else the ISO day of the week it does not. */
    private record Flight(long seed, int departureMinute, int skippedWeekday, List<Leg> legs, int layoverMinutes) {

        boolean operatesOn(LocalDate date) {
            return date.getDayOfWeek().getValue() != skippedWeekday;
        }
    }

    /** The route's timetable: the same codes always give the same flights at the same local times. */
    private List<Flight> timetable(String from, String to) {
        SplittableRandom r = new SplittableRandom(hash(from + "-" + to));
        int count = 4 + r.nextInt(6);
        int spacing = 18 * 60 / count;
        double km = distanceKm(from, to);
        List<Flight> flights = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<String> operators = km > 3000 ? LONG_HAUL : CARRIER_CODES;
            String carrier = operators.get(r.nextInt(operators.size()));
            int departure = 5 * ((5 * 60 + i * spacing) / 5 + r.nextInt(Math.max(1, spacing / 5)));
            String hub = null;
            if (km > 700 && r.nextInt(4) == 0) {
                List<String> hubs = HUBS.stream().filter(h -> !h.equals(from) && !h.equals(to)).toList();
                hub = hubs.get(r.nextInt(hubs.size()));
            }
            List<Leg> legs = hub == null ? List.of(leg(carrier, from, to, r))
                    : List.of(leg(carrier, from, hub, r), leg(carrier, hub, to, r));
            int skipped = r.nextInt(5) == 0 ? 1 + r.nextInt(7) : 0;
            flights.add(new Flight(r.nextLong(), departure, skipped, legs, hub == null ? 0 : 55 + 5 * r.nextInt(20)));
        }
        return flights;
    }

    private Leg leg(String carrier, String from, String to, SplittableRandom r) {
        double km = distanceKm(from, to);
        // Air India, Vistara and SpiceJet use three-digit numbers on these routes, the others four
        String number = String.valueOf(switch (carrier) {
            case "AI", "UK", "SG" -> 100 + r.nextInt(900);
            default -> 1000 + r.nextInt(9000);
        });
        List<String> fleet = FLEET.get(carrier);
        String aircraft = km > 3500 && WIDEBODY.containsKey(carrier) ? WIDEBODY.get(carrier)
                : fleet.get(r.nextInt(fleet.size()));
        int block = 5 * (int) Math.round((35 + km / 11.5) / 5);
        return new Leg(carrier, number, from, to, aircraft, block);
    }

    /** Great-circle distance for the airports of the table; any other pair gets a stable made-up one. */
    private static double distanceKm(String a, String b) {
        double[] p = POSITION.get(a);
        double[] q = POSITION.get(b);
        if (p == null || q == null) {
            String pair = a.compareTo(b) < 0 ? a + b : b + a;
            return 250 + Math.floorMod(hash(pair), 2300);
        }
        double dLat = Math.toRadians(q[0] - p[0]);
        double dLon = Math.toRadians(q[1] - p[1]);
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(p[0])) * Math.cos(Math.toRadians(q[0])) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371 * Math.asin(Math.sqrt(h));
    }

    /** FNV-1a: String.hashCode would do, but this spreads short codes over all 64 bits. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static String code(Map<String, String> query, String name, ArrayNode problems) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            problems.add(missing(name));
            return null;
        }
        if (!IATA.matcher(v).matches()) {
            problems.add(error(400, 477, "INVALID FORMAT", name + " must be a 3-letter IATA code in capitals", name));
            return null;
        }
        return v;
    }

    private static int number(Map<String, String> query, String name, int min, int max, Integer absent,
            ArrayNode problems) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            if (absent == null) {
                problems.add(missing(name));
                return min;
            }
            return absent;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below like an out-of-range value
        }
        problems.add(error(400, 477, "INVALID FORMAT", name + " must be a whole number from " + min + " to " + max, name));
        return min;
    }

    private static ObjectNode missing(String parameter) {
        return error(400, 32171, "MANDATORY DATA MISSING", "This field must be filled.", parameter);
    }

    private static ObjectNode error(int status, int code, String title, String detail, String parameter) {
        ObjectNode e = Json.DECIMALS.createObjectNode().put("status", status).put("code", code).put("title", title);
        if (detail != null) {
            e.put("detail", detail);
        }
        if (parameter != null) {
            e.putObject("source").put("parameter", parameter);
        }
        return e;
    }

    private static FixtureResponse errors(int status, JsonNode... errors) {
        return errors(status, Json.DECIMALS.createArrayNode().addAll(List.of(errors)));
    }

    private static FixtureResponse errors(int status, ArrayNode errors) {
        ObjectNode body = Json.DECIMALS.createObjectNode();
        body.set("errors", errors);
        return FixtureResponse.of(status, AMADEUS_JSON, body.toString());
    }

    private static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Query strings and form bodies; the first of repeated names wins, a malformed escape is kept as it is. */
    static Map<String, String> decodeForm(String raw) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return fields;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            fields.putIfAbsent(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return fields;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** platform-http's CamelHttpPath is the whole request path; the fixture's paths start below the route's own. */
    static String relativePath(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "/", String.class);
        if (exchange.getFromEndpoint() instanceof PlatformHttpEndpoint endpoint && endpoint.getPath() != null) {
            String base = endpoint.getPath().replaceAll("/+$", "");
            int at = base.isEmpty() ? -1 : path.indexOf(base);
            int end = at + base.length();
            if (at >= 0 && (end == path.length() || path.charAt(end) == '/')) {
                return path.substring(end);
            }
        }
        return path;
    }

    private static Map<String, String> requestHeaders(Message in) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        in.getHeaders().forEach((name, value) -> {
            Object v = value instanceof List<?> values && !values.isEmpty() ? values.get(0) : value;
            if (v instanceof CharSequence || v instanceof Number) {
                headers.put(name, v.toString());
            }
        });
        return headers;
    }

    /** platform-http turns a form-encoded body into a map of its fields; the fixture reads the form as it was sent. */
    private static String requestBody(Message in) {
        if (!(in.getBody() instanceof Map<?, ?> form)) {
            return in.getBody(String.class);
        }
        StringBuilder sb = new StringBuilder();
        form.forEach((name, value) -> {
            for (Object v : value instanceof List<?> values ? values : List.of(Objects.toString(value, ""))) {
                sb.append(sb.isEmpty() ? "" : "&").append(URLEncoder.encode(String.valueOf(name), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        });
        return sb.toString();
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
