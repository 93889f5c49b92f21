package io.camelpipelines.flights;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Two fare sites for offline runs and tests, served by the application itself under {@code basePath}:
 * {@code skyfares} (a table of IATA codes, local times and ₹ prices, {@code ?page=N}) and {@code farecards} (cards
 * with city names, ISO times with offset and INR amounts, {@code /deals/N}), {@code pages} pages of
 * {@code rowsPerPage} Indian domestic fares each. A row's flight and departure stay the same from poll to poll (its
 * date rolls 30 days ahead once it has passed); its price drifts a few percent over the hours. The last farecards
 * page's next link leads into {@code /farecards/private/}, which robots.txt disallows, as a members' archive would.
 */
public class FlightPagesFixture {

    public static final String SKYFARES = "skyfares";
    public static final String FARECARDS = "farecards";

    /** One fare as the sites show it: the flight number with its space ("AI 303"), local departure, price in INR. */
    public record Fare(String flightNumber, String airline, String originCode, String originCity,
            String destinationCode, String destinationCity, ZonedDateTime departure, BigDecimal price) {
    }

    private record Carrier(String code, String name, int low, int high, double priceFactor) {
    }

    private record City(String code, String name, double lat, double lon) {
    }

    private static final List<Carrier> CARRIERS = List.of(new Carrier("AI", "Air India", 101, 999, 1.12),
            new Carrier("6E", "IndiGo", 2001, 6999, 1.0), new Carrier("UK", "Vistara", 801, 999, 1.15),
            new Carrier("SG", "SpiceJet", 101, 999, 0.95), new Carrier("QP", "Akasa Air", 1101, 1999, 0.93),
            new Carrier("IX", "Air India Express", 1101, 2999, 0.9));
    private static final List<City> CITIES = List.of(new City("DEL", "Delhi", 28.56, 77.10),
            new City("BOM", "Mumbai", 19.09, 72.87), new City("BLR", "Bengaluru", 13.20, 77.71),
            new City("MAA", "Chennai", 12.99, 80.17), new City("CCU", "Kolkata", 22.65, 88.45),
            new City("HYD", "Hyderabad", 17.24, 78.43), new City("GOI", "Goa", 15.38, 73.83),
            new City("PNQ", "Pune", 18.58, 73.92), new City("COK", "Kochi", 10.15, 76.40),
            new City("AMD", "Ahmedabad", 23.08, 72.63), new City("JAI", "Jaipur", 26.82, 75.81),
            new City("LKO", "Lucknow", 26.76, 80.89));
    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private static final DateTimeFormatter SKYFARES_TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter CARD_TIME = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter ISO_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    private static final String HTML = "text/html; charset=utf-8";
    private static final int REMEMBERED_REQUESTS = 1_000;

    private record Seen(String path, String userAgent) {
    }

    private final String basePath;
    private final int pages;
    private final int rowsPerPage;
    private final Clock clock;
    private final Set<String> changedLayouts = ConcurrentHashMap.newKeySet();
    private final Deque<Seen> seen = new ArrayDeque<>();
    private volatile boolean badRows;

    public FlightPagesFixture(String basePath, int pages, int rowsPerPage, Clock clock) {
        if (pages < 1 || rowsPerPage < 1) {
            throw new IllegalArgumentException("pages and rowsPerPage must be at least 1");
        }
        String b = basePath == null ? "" : basePath.trim();
        this.basePath = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.pages = pages;
        this.rowsPerPage = rowsPerPage;
        this.clock = clock;
    }

    /** From now on the site's rows carry other class names, as after a redesign: the configured selectors miss. */
    public void changeLayout(String site, boolean changed) {
        requireSite(site);
        if (changed) {
            changedLayouts.add(site);
        } else {
            changedLayouts.remove(site);
        }
    }

    /** From now on each site's first page also holds a row priced "call us" and one with flight number "TBA". */
    public void includeBadRow(boolean include) {
        badRows = include;
    }

    /** How many of the remembered requests (the last 1,000) asked for a path starting with {@code pathPrefix}. */
    public long requests(String pathPrefix) {
        synchronized (seen) {
            return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).count();
        }
    }

    /** The remembered requests' paths (relative to the base path, with their query), oldest first. */
    public List<String> requestedPaths() {
        synchronized (seen) {
            return seen.stream().map(Seen::path).toList();
        }
    }

    /** The User-Agent headers of the remembered requests, in order of first appearance. */
    public Set<String> userAgents() {
        synchronized (seen) {
            Set<String> agents = new LinkedHashSet<>();
            seen.forEach(s -> agents.add(s.userAgent()));
            return agents;
        }
    }

    /** The well-formed fares of one page of one site, as they are shown now. */
    public List<Fare> fares(String site, int page) {
        requireSite(site);
        List<Fare> fares = new ArrayList<>(rowsPerPage);
        for (int row = 1; row <= rowsPerPage; row++) {
            // farecards lists the same flights as skyfares (an aggregator's view of the market), in its own order
            int slot = site.equals(SKYFARES) ? row : rowsPerPage + 1 - row;
            fares.add(fare(site, (page - 1) * rowsPerPage + slot));
        }
        return fares;
    }

    /** The Camel adapter: for a {@code platform-http} route mounted at the base path (matchOnUriPrefix). */
    public void serve(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.getHeaders().forEach((k, v) -> {
            if (v != null && !k.startsWith("Camel") && !k.startsWith("camel")) {
                headers.put(k, v.toString());
            }
        });
        FixtureResponse r = respond(m.getHeader(Exchange.HTTP_METHOD, "GET", String.class),
                m.getHeader(Exchange.HTTP_PATH, "/", String.class), decodeQuery(m.getHeader(Exchange.HTTP_QUERY, String.class)),
                headers);
        // the request's headers would otherwise go back out as response headers
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, r.status());
        m.setHeader(Exchange.CONTENT_TYPE, r.contentType());
        r.headers().forEach(m::setHeader);
        m.setBody(r.body());
    }

    /** {@code path} relative to the base path ("/skyfares/fares"); the base path itself is stripped if present. */
    public FixtureResponse respond(String method, String path, Map<String, String> query, Map<String, String> headers) {
        String p = path == null || path.isEmpty() ? "/" : path;
        if (!basePath.isEmpty() && p.startsWith(basePath + "/")) {
            p = p.substring(basePath.length());
        } else if (p.equals(basePath)) {
            p = "/";
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        remember(p, query, headers);
        boolean head = "HEAD".equalsIgnoreCase(method);
        if (!head && !"GET".equalsIgnoreCase(method)) {
            return new FixtureResponse(405, "text/plain; charset=utf-8", "method not allowed\n", Map.of("Allow", "GET, HEAD"));
        }
        FixtureResponse r = route(p, query == null ? Map.of() : query);
        return head ? new FixtureResponse(r.status(), r.contentType(), "", r.headers()) : r;
    }

    private FixtureResponse route(String p, Map<String, String> query) {
        if (p.equals("/robots.txt")) {
            return new FixtureResponse(200, "text/plain; charset=utf-8",
                    "User-agent: *\nDisallow: " + basePath + "/*/private/\n", Map.of());
        }
        if (p.equals("/")) {
            return page(200, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fare sites</title>"
                    + "</head><body><ul><li><a href=\"" + basePath + "/skyfares/fares?page=1\">SkyFares</a></li>"
                    + "<li><a href=\"" + basePath + "/farecards/deals/1\">FareCards</a></li></ul></body></html>\n");
        }
        if (p.equals("/skyfares/fares")) {
            Integer n = pageNumber(query.getOrDefault("page", "1"));
            return n == null ? notFound() : page(200, skyfares(n));
        }
        if (p.startsWith("/farecards/deals/")) {
            Integer n = pageNumber(p.substring("/farecards/deals/".length()));
            return n == null ? notFound() : page(200, farecards(n));
        }
        if (p.startsWith("/farecards/private/")) {
            return new FixtureResponse(403, "text/plain; charset=utf-8", "members only\n", Map.of());
        }
        return notFound();
    }

    private String skyfares(int n) {
        boolean changed = changedLayouts.contains(SKYFARES);
        String cls = changed ? "fare-row" : "fare";
        StringBuilder b = new StringBuilder(4096).append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>SkyFares – domestic fares, page ").append(n).append(" of ").append(pages)
                .append("</title></head>\n<body>\n<header><h1>SkyFares</h1><p class=\"updated\">Fares as of ")
                .append(SKYFARES_TIME.format(clock.instant().atZone(INDIA))).append(" IST</p></header>\n")
                .append("<table class=\"").append(changed ? "fare-list" : "fares").append("\">\n<thead><tr>")
                .append("<th>Flight</th><th>Airline</th><th>From</th><th>To</th><th>Departs</th><th>Fare</th>")
                .append("</tr></thead>\n<tbody>\n");
        List<Fare> fares = withBadRows(n, fares(SKYFARES, n));
        for (Fare f : fares) {
            String price = f.price() == null ? "call us"
                    : "₹" + String.format(Locale.ENGLISH, "%,d", f.price().setScale(0, RoundingMode.HALF_UP).longValueExact());
            b.append("<tr class=\"").append(cls).append("\">")
                    .append(td(changed ? "flight-no" : "flight", f.flightNumber()))
                    .append(td(changed ? "carrier" : "airline", f.airline()))
                    .append(td(changed ? "origin" : "from", f.originCode()))
                    .append(td(changed ? "dest" : "to", f.destinationCode()))
                    .append(td(changed ? "departs" : "depart", SKYFARES_TIME.format(f.departure())))
                    .append(td(changed ? "fare" : "price", price)).append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n<nav class=\"pager\"><span>Page ").append(n).append(" of ").append(pages).append("</span>");
        if (n < pages) {
            b.append(" <a class=\"next\" href=\"").append(basePath).append("/skyfares/fares?page=").append(n + 1)
                    .append("\">Next &raquo;</a>");
        }
        return b.append("</nav>\n</body></html>\n").toString();
    }

    private String farecards(int n) {
        boolean changed = changedLayouts.contains(FARECARDS);
        StringBuilder b = new StringBuilder(4096).append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>FareCards – today's deals, page ").append(n).append("</title>\n");
        if (n < pages) {
            b.append("<link rel=\"next\" href=\"").append(basePath).append("/farecards/deals/").append(n + 1).append("\">\n");
        }
        b.append("</head>\n<body>\n<h1>Today's flight deals</h1>\n<main class=\"deals\">\n");
        for (Fare f : withBadRows(n, fares(FARECARDS, n))) {
            String amount = f.price() == null ? "call us" : String.format(Locale.ENGLISH, "%,.2f", f.price());
            b.append("<div class=\"").append(changed ? "offer-tile" : "deal-card").append("\">\n  <h2>")
                    .append(span(changed ? "flight-code" : "code", f.flightNumber().replace(" ", ""))).append(' ')
                    .append(span(changed ? "operator" : "carrier", f.airline())).append("</h2>\n  <p class=\"route\">")
                    .append(span(changed ? "from-city" : "city-from", f.originCity())).append(" → ")
                    .append(span(changed ? "to-city" : "city-to", f.destinationCity())).append("</p>\n  <p>Departs <time class=\"")
                    .append(changed ? "leaves" : "departure").append("\" datetime=\"").append(ISO_OFFSET.format(f.departure()))
                    .append("\">").append(CARD_TIME.format(f.departure())).append("</time></p>\n  <p class=\"fare\">")
                    .append(span(changed ? "ccy" : "currency", "INR")).append(' ')
                    .append(span(changed ? "total" : "amount", amount)).append("</p>\n</div>\n");
        }
        b.append("</main>\n<nav>");
        if (n < pages) {
            b.append("<a rel=\"next\" href=\"").append(basePath).append("/farecards/deals/").append(n + 1)
                    .append("\">More deals</a>");
        } else {
            b.append("<a rel=\"next\" href=\"").append(basePath).append("/farecards/private/archive\">")
                    .append("Older deals (members)</a>");
        }
        return b.append("</nav>\n</body></html>\n").toString();
    }

    private List<Fare> withBadRows(int page, List<Fare> fares) {
        if (!badRows || page != 1) {
            return fares;
        }
        List<Fare> rows = new ArrayList<>(fares);
        Fare first = fares.get(0);
        rows.add(Math.min(1, rows.size()), new Fare(first.flightNumber(), first.airline(), first.originCode(),
                first.originCity(), first.destinationCode(), first.destinationCity(), first.departure(), null));
        rows.add(Math.min(3, rows.size()), new Fare("TBA", first.airline(), first.originCode(), first.originCity(),
                first.destinationCode(), first.destinationCity(), first.departure(), first.price()));
        return rows;
    }

    private Fare fare(String site, int index) {
        Random r = new Random(0x5EEDL * 31 + index);
        Carrier c = CARRIERS.get(r.nextInt(CARRIERS.size()));
        City from = CITIES.get(r.nextInt(CITIES.size()));
        City to = CITIES.get(r.nextInt(CITIES.size() - 1));
        if (to.equals(from)) {
            to = CITIES.get(CITIES.size() - 1);
        }
        int number = c.low() + r.nextInt(c.high() - c.low() + 1);
        int slot = r.nextInt(30);
        LocalTime time = LocalTime.of(5 + r.nextInt(18), 5 * r.nextInt(12));
        double phase = r.nextDouble() * 2 * Math.PI;

        Instant now = clock.instant();
        LocalDate today = now.atZone(INDIA).toLocalDate();
        // the first day after today in this row's slot of a 30-day cycle: 1 to 30 days ahead, fixed until it passes
        long ahead = Math.floorMod(slot - today.toEpochDay() - 1, 30) + 1;
        ZonedDateTime departure = today.plusDays(ahead).atTime(time).atZone(INDIA);

        double km = distanceKm(from, to);
        double lastMinute = 1 + 0.6 * Math.max(0, 14 - ahead) / 14.0;
        double hours = Duration.between(Instant.EPOCH, now).toMinutes() / 60.0;
        double drift = 1 + 0.04 * Math.sin(phase + hours / 6.0) + (site.equals(FARECARDS) ? 0.02 : 0);
        BigDecimal price = BigDecimal.valueOf(Math.round((1_800 + 3.1 * km) * c.priceFactor() * lastMinute * drift))
                .setScale(2, RoundingMode.UNNECESSARY);
        return new Fare(c.code() + " " + number, c.name(), from.code(), from.name(), to.code(), to.name(), departure, price);
    }

    private static double distanceKm(City a, City b) {
        double dLat = Math.toRadians(b.lat() - a.lat());
        double dLon = Math.toRadians(b.lon() - a.lon());
        double h = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(a.lat())) * Math.cos(Math.toRadians(b.lat())) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * 6371 * Math.asin(Math.sqrt(h));
    }

    private Integer pageNumber(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            return n >= 1 && n <= pages ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void remember(String path, Map<String, String> query, Map<String, String> headers) {
        StringBuilder p = new StringBuilder(path);
        if (query != null && !query.isEmpty()) {
            p.append('?');
            query.forEach((k, v) -> p.append(p.charAt(p.length() - 1) == '?' ? "" : "&").append(k).append('=').append(v));
        }
        String agent = null;
        if (headers != null) {
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase("User-Agent")) {
                    agent = h.getValue();
                }
            }
        }
        synchronized (seen) {
            if (seen.size() == REMEMBERED_REQUESTS) {
                seen.removeFirst();
            }
            seen.addLast(new Seen(p.toString(), agent));
        }
    }

    /** A raw query string as a map, decoded; the first value of a repeated key wins. */
    public static Map<String, String> decodeQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                q.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static FixtureResponse page(int status, String html) {
        return new FixtureResponse(status, HTML, html, Map.of("Cache-Control", "no-cache"));
    }

    private static FixtureResponse notFound() {
        return new FixtureResponse(404, "text/plain; charset=utf-8", "not found\n", Map.of());
    }

    private static void requireSite(String site) {
        if (!SKYFARES.equals(site) && !FARECARDS.equals(site)) {
            throw new IllegalArgumentException("no fare site '" + site + "': " + SKYFARES + " or " + FARECARDS);
        }
    }

    private static String td(String cls, String text) {
        return "<td class=\"" + cls + "\">" + escape(text) + "</td>";
    }

    private static String span(String cls, String text) {
        return "<span class=\"" + cls + "\">" + escape(text) + "</span>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
