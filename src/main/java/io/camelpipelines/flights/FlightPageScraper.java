package io.camelpipelines.flights;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.camelpipelines.common.InvalidRecordException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fares of one site described by {@link SiteSelectors}: robots.txt first, then the start page and its
 * next-page links, politely spaced, each row mapped to a checked {@link FlightObservation} or rejected with the
 * field that failed. Routes may share one scraper: each scrape keeps its own state, the counters and caches are
 * concurrent.
 */
public class FlightPageScraper {

    private static final Logger LOG = LoggerFactory.getLogger(FlightPageScraper.class);
    private static final Duration ROBOTS_TTL = Duration.ofMinutes(10);
    private static final ZoneId INDIA = ZoneId.of("Asia/Kolkata");
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern IATA_CODE = Pattern.compile("[A-Z]{3}");
    private static final Pattern PRICE_NOISE = Pattern.compile("[\\p{Sc}\\s,\u00A0\u202F]");

    /** Why a site could not be read at all; names the site and the URL. */
    public static class ScrapeException extends RuntimeException {
        public ScrapeException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record CachedRobots(String url, RobotsRules rules, Instant fetchedAt) {
    }

    /** A page's body, or where it redirected to. */
    private record Fetched(String body, String redirect) {
    }

    private final HttpClient http;
    private final String userAgent;
    private final Duration timeout;
    private final Duration politeDelay;
    private final int maxPages;
    private final Airports airports;
    private final Clock clock;
    private final FlightObservationParser parser = new FlightObservationParser();
    private final Map<String, CachedRobots> robots = new ConcurrentHashMap<>();
    private final Set<String> disallowedLogged = ConcurrentHashMap.newKeySet();
    private final Set<String> brokenLayouts = ConcurrentHashMap.newKeySet();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong layoutMisses = new AtomicLong();
    private final AtomicLong fieldMisses = new AtomicLong();
    private final AtomicLong robotsSkips = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    public FlightPageScraper(String userAgent, Duration timeout, Duration politeDelay, int maxPages, Airports airports,
            Clock clock) {
        if (userAgent == null || userAgent.isBlank()) {
            throw new IllegalArgumentException("a scraper names itself: the User-Agent is required");
        }
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1, not " + maxPages);
        }
        if (timeout.isNegative() || timeout.isZero() || politeDelay.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive and politeDelay not negative");
        }
        this.userAgent = userAgent;
        this.timeout = timeout;
        this.politeDelay = politeDelay;
        this.maxPages = maxPages;
        this.airports = Objects.requireNonNull(airports);
        this.clock = Objects.requireNonNull(clock);
        // redirects are followed by hand so that each target passes the robots and seen-before checks
        // HTTP/1.1: the JDK client's default asks every new connection to upgrade to h2c, which fare sites (and the
        // fixture's server) need not handle alike; a scraper gains nothing from it
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Pages fetched and parsed. */
    public AtomicLong pages() {
        return pages;
    }

    /** Pages on which the row selector matched nothing. */
    public AtomicLong layoutMisses() {
        return layoutMisses;
    }

    /** Rows on which a field's selector matched nothing. */
    public AtomicLong fieldMisses() {
        return fieldMisses;
    }

    /** URLs not fetched because robots.txt disallows them. */
    public AtomicLong robotsSkips() {
        return robotsSkips;
    }

    /** Pages (and robots.txt files) that could not be fetched: HTTP errors, timeouts, refused connections. */
    public AtomicLong failures() {
        return failures;
    }

    /**
     * Every row of the site's pages, from the start page along its next links, at most maxPages pages.
     *
     * @throws ScrapeException when robots.txt or the start page cannot be read
     */
    public List<Harvested> scrape(SiteSelectors site) {
        Crawl crawl = new Crawl(site);
        RobotsRules rules = robots(crawl);
        List<Harvested> out = new ArrayList<>();
        String origin = origin(URI.create(site.startUrl()));
        String url = site.startUrl();
        int page = 0;
        int redirects = 0;
        while (url != null && page < maxPages) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                LOG.warn("flights: site {}: next link '{}' is not a URL; stopping there", site.name(), url);
                break;
            }
            if (page > 0 && !origin.equals(origin(uri))) {
                LOG.warn("flights: site {}: next link {} leads off the site; stopping there", site.name(), url);
                break;
            }
            if (!crawl.seen.add(url)) {
                break;
            }
            if (!rules.allows(uri)) {
                robotsSkips.incrementAndGet();
                if (disallowedLogged.add(url)) {
                    LOG.info("flights: site {}: {} disallows {}; not fetching it", site.name(), site.robotsUrl(), url);
                }
                break;
            }
            Fetched f;
            try {
                f = crawl.get(uri);
            } catch (IOException e) {
                failures.incrementAndGet();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (page == 0) {
                    throw new ScrapeException("flights: site " + site.name() + ": start page " + url
                            + " could not be read: " + why, e);
                }
                LOG.warn("flights: site {}: page {} could not be read ({}); keeping the {} rows read before it",
                        site.name(), url, why, out.size());
                break;
            } catch (InterruptedException e) {
                // the route is stopping: what was read so far is still good
                Thread.currentThread().interrupt();
                break;
            }
            if (f.redirect() != null) {
                if (++redirects > MAX_REDIRECTS) {
                    failures.incrementAndGet();
                    LOG.warn("flights: site {}: more than {} redirects from {}; stopping there", site.name(),
                            MAX_REDIRECTS, url);
                    break;
                }
                url = f.redirect();
                continue;
            }
            redirects = 0;
            page++;
            pages.incrementAndGet();
            Document doc = Jsoup.parse(f.body(), url);
            Elements rows = doc.select(site.row());
            if (rows.isEmpty()) {
                layoutMisses.incrementAndGet();
                if (brokenLayouts.add(site.name())) {
                    LOG.warn("flights: site {}: selector '{}' matched nothing on {}; has the page layout changed?",
                            site.name(), site.row(), url);
                }
                break;
            }
            if (brokenLayouts.remove(site.name())) {
                LOG.info("flights: site {}: selector '{}' matches rows again on {}", site.name(), site.row(), url);
            }
            for (int i = 0; i < rows.size(); i++) {
                out.add(harvest(crawl, rows.get(i), i + 1, url));
            }
            url = nextLink(site, doc);
        }
        return out;
    }

    private RobotsRules robots(Crawl crawl) {
        SiteSelectors site = crawl.site;
        Instant now = clock.instant();
        CachedRobots cached = robots.get(site.name());
        if (cached != null && cached.url().equals(site.robotsUrl())
                && now.isBefore(cached.fetchedAt().plus(ROBOTS_TTL))) {
            return cached.rules();
        }
        String url = site.robotsUrl();
        try {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                Fetched f = crawl.get(URI.create(url));
                if (f.redirect() == null) {
                    RobotsRules rules = RobotsRules.parse(f.body(), userAgent);
                    robots.put(site.name(), new CachedRobots(site.robotsUrl(), rules, now));
                    return rules;
                }
                url = f.redirect();
            }
            throw new IOException("more than " + MAX_REDIRECTS + " redirects");
        } catch (HttpStatusException e) {
            if (e.status >= 400 && e.status < 500) {
                // RFC 9309: an unavailable robots.txt (4xx) means no rules
                robots.put(site.name(), new CachedRobots(site.robotsUrl(), RobotsRules.ALLOW_ALL, now));
                return RobotsRules.ALLOW_ALL;
            }
            throw robotsFailure(site, url, e);
        } catch (IOException e) {
            throw robotsFailure(site, url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScrapeException("flights: site " + site.name() + ": interrupted reading " + url, e);
        }
    }

    private ScrapeException robotsFailure(SiteSelectors site, String url, IOException e) {
        failures.incrementAndGet();
        // RFC 9309: an unreachable robots.txt (5xx, network) means crawl nothing
        return new ScrapeException("flights: site " + site.name() + ": robots.txt " + url + " could not be read ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "); not crawling", e);
    }

    private Harvested harvest(Crawl crawl, Element row, int n, String url) {
        SiteSelectors site = crawl.site;
        try {
            String flight = text(crawl, row, "flight_number", site.flightNumber()).replaceAll("\\s+", "")
                    .toUpperCase(Locale.ROOT);
            String airline = text(crawl, row, "airline", site.airline());
            String[] from = place(site.origin(), "source", text(crawl, row, "source", site.origin()));
            String[] to = place(site.destination(), "destination", text(crawl, row, "destination", site.destination()));
            Instant departure = departure(crawl, row, from[0]);
            BigDecimal price = price(site, text(crawl, row, "price", site.price()));
            String currency = site.currency() != null
                    ? text(crawl, row, "currency", site.currency()).toUpperCase(Locale.ROOT)
                    : site.fixedCurrency();
            FlightObservation o = new FlightObservation(flight, airline.isEmpty() ? null : airline, from[1], to[1],
                    from[0], to[0], price, currency, departure, null, clock.instant(), site.name());
            return Harvested.of(row.outerHtml(), parser.check(o));
        } catch (InvalidRecordException e) {
            return Harvested.rejected(row.outerHtml(), site.name() + " row " + n + " on " + url + ": " + e.getMessage());
        }
    }

    private String text(Crawl crawl, Element row, String field, String selector) throws InvalidRecordException {
        return element(crawl, row, field, selector).text().trim();
    }

    private Element element(Crawl crawl, Element row, String field, String selector) throws InvalidRecordException {
        Element e = row.selectFirst(selector);
        if (e == null) {
            fieldMisses.incrementAndGet();
            if (crawl.warnedSelectors.add(selector)) {
                LOG.warn("flights: site {}: {} selector '{}' matched nothing in a row; has the page layout changed?",
                        crawl.site.name(), field, selector);
            }
            throw new InvalidRecordException(field + ": selector '" + selector + "' matched nothing");
        }
        return e;
    }

    /** {code, city} of an IATA code or a city name as the site shows it. */
    private String[] place(String selector, String field, String shown) throws InvalidRecordException {
        if (shown.isEmpty()) {
            throw new InvalidRecordException("missing " + field + " ('" + selector + "' is empty)");
        }
        Optional<String> city = airports.city(shown);
        if (city.isPresent()) {
            return new String[] {shown.toUpperCase(Locale.ROOT), city.get()};
        }
        if (IATA_CODE.matcher(shown).matches()) {
            throw new InvalidRecordException(field + " '" + shown + "' (" + selector + ") is not an airport code we know");
        }
        return new String[] {airports.code(shown).orElse(null), shown};
    }

    private Instant departure(Crawl crawl, Element row, String originCode) throws InvalidRecordException {
        SiteSelectors site = crawl.site;
        Element e = element(crawl, row, "departure_time", site.departure());
        String raw = (site.departureAttribute() != null ? e.attr(site.departureAttribute()) : e.text()).trim();
        String where = site.departureAttribute() != null
                ? "attribute " + site.departureAttribute() + " of '" + site.departure() + "'"
                : "'" + site.departure() + "'";
        if (raw.isEmpty()) {
            throw new InvalidRecordException("missing departure_time (" + where + " is empty)");
        }
        try {
            if (site.departureFormat() == null) {
                return OffsetDateTime.parse(raw).toInstant();
            }
            ZoneId zone = originCode != null && airports.city(originCode).isPresent() ? airports.zone(originCode) : INDIA;
            return LocalDateTime.parse(raw, crawl.departureFormat()).atZone(zone).toInstant();
        } catch (DateTimeParseException ex) {
            throw new InvalidRecordException("departure_time '" + raw + "' (" + where + ") is not "
                    + (site.departureFormat() == null ? "an ISO-8601 time with offset" : "of the form " + site.departureFormat()));
        }
    }

    private static BigDecimal price(SiteSelectors site, String shown) throws InvalidRecordException {
        String digits = PRICE_NOISE.matcher(shown).replaceAll("");
        try {
            return new BigDecimal(digits);
        } catch (NumberFormatException e) {
            throw new InvalidRecordException("price '" + shown + "' (" + site.price() + ") is not a number");
        }
    }

    private static String nextLink(SiteSelectors site, Document doc) {
        if (site.next() == null) {
            return null;
        }
        Element link = doc.selectFirst(site.next());
        String href = link == null ? "" : link.absUrl("href");
        return href.isEmpty() ? null : href;
    }

    private static String origin(URI uri) {
        return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT);
    }

    private static final class HttpStatusException extends IOException {
        final int status;

        HttpStatusException(int status) {
            super("HTTP " + status);
            this.status = status;
        }
    }

    /** One scrape: what it fetched, which selectors it warned about, the spacing of its requests. */
    private final class Crawl {
        final SiteSelectors site;
        final Set<String> seen = new HashSet<>();
        final Set<String> warnedSelectors = new HashSet<>();
        private DateTimeFormatter departureFormat;
        private boolean requested;

        Crawl(SiteSelectors site) {
            this.site = site;
        }

        DateTimeFormatter departureFormat() {
            if (departureFormat == null) {
                departureFormat = new DateTimeFormatterBuilder().parseCaseInsensitive()
                        .appendPattern(site.departureFormat()).toFormatter(Locale.ENGLISH);
            }
            return departureFormat;
        }

        Fetched get(URI uri) throws IOException, InterruptedException {
            if (requested && !politeDelay.isZero()) {
                // the route's own polling thread: nothing else waits on it
                Thread.sleep(politeDelay.toMillis(), politeDelay.toNanosPart() % 1_000_000);
            }
            requested = true;
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent)
                    .header("Accept", "text/html,text/plain;q=0.9,*/*;q=0.5").GET().build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                Optional<String> location = r.headers().firstValue("Location");
                if (location.isPresent()) {
                    return new Fetched(null, uri.resolve(location.get()).toString());
                }
            }
            if (status < 200 || status >= 300) {
                throw new HttpStatusException(status);
            }
            return new Fetched(r.body(), null);
        }
    }
}
