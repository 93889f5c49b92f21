package io.camelpipelines.flights;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;
import java.util.function.Function;

import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

/**
 * Where one fare site keeps its fares: CSS selectors (jsoup) relative to a row, and how to read the row's departure
 * and price. {@code departureAttribute} reads an attribute instead of the text (a {@code <time datetime>}),
 * {@code departureFormat} is a local-time pattern read in the origin airport's zone (null: ISO-8601 with offset),
 * {@code currency} a selector, or {@code fixedCurrency} the currency of a site that shows only a symbol.
 * {@code next} selects the next-page link (null: one page).
 */
public record SiteSelectors(String name, String startUrl, String robotsUrl, String row, String flightNumber,
        String airline, String origin, String destination, String departure, String departureAttribute,
        String departureFormat, String price, String currency, String fixedCurrency, String next) {

    public static final String PREFIX = "flights.pages.site.";

    public SiteSelectors {
        for (String[] f : new String[][] {{"name", name}, {"start-url", startUrl}, {"robots-url", robotsUrl},
                {"row", row}, {"flight-number", flightNumber}, {"airline", airline}, {"origin", origin},
                {"destination", destination}, {"departure", departure}, {"price", price}}) {
            if (f[1] == null || f[1].isBlank()) {
                throw new IllegalArgumentException("site " + name + ": " + f[0] + " is required");
            }
        }
        if ((currency == null || currency.isBlank()) && (fixedCurrency == null || fixedCurrency.isBlank())) {
            throw new IllegalArgumentException("site " + name + ": currency or fixed-currency is required");
        }
    }

    /** The site's keys {@code flights.pages.site.<name>.<key>}; a missing or malformed one is named in full. */
    public static SiteSelectors fromProperties(String name, Function<String, String> property) {
        Function<String, String> optional = key -> {
            String v = property.apply(PREFIX + name + "." + key);
            return v == null || v.isBlank() ? null : v.trim();
        };
        Function<String, String> required = key -> {
            String v = optional.apply(key);
            if (v == null) {
                throw new IllegalArgumentException("missing property " + PREFIX + name + "." + key);
            }
            return v;
        };
        String currency = optional.apply("currency");
        String fixed = optional.apply("fixed-currency");
        if (currency == null && fixed == null) {
            throw new IllegalArgumentException("missing property " + PREFIX + name + ".currency (or "
                    + PREFIX + name + ".fixed-currency)");
        }
        SiteSelectors s = new SiteSelectors(name, url(name, "start-url", required.apply("start-url")),
                url(name, "robots-url", required.apply("robots-url")),
                selector(name, "row", required.apply("row")),
                selector(name, "flight-number", required.apply("flight-number")),
                selector(name, "airline", required.apply("airline")),
                selector(name, "origin", required.apply("origin")),
                selector(name, "destination", required.apply("destination")),
                selector(name, "departure", required.apply("departure")),
                optional.apply("departure-attribute"), optional.apply("departure-format"),
                selector(name, "price", required.apply("price")),
                currency == null ? null : selector(name, "currency", currency),
                fixed == null ? null : fixed.toUpperCase(Locale.ROOT),
                optional.apply("next") == null ? null : selector(name, "next", optional.apply("next")));
        if (s.departureFormat() != null) {
            try {
                DateTimeFormatter.ofPattern(s.departureFormat(), Locale.ENGLISH);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property " + PREFIX + name + ".departure-format '"
                        + s.departureFormat() + "' is not a date-time pattern: " + e.getMessage(), e);
            }
        }
        if (s.fixedCurrency() != null) {
            try {
                Currency.getInstance(s.fixedCurrency());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("property " + PREFIX + name + ".fixed-currency '"
                        + s.fixedCurrency() + "' is not an ISO 4217 code", e);
            }
        }
        return s;
    }

    private static String selector(String name, String key, String css) {
        try {
            QueryParser.parse(css);
            return css;
        } catch (Selector.SelectorParseException e) {
            throw new IllegalArgumentException("property " + PREFIX + name + "." + key + " '" + css
                    + "' is not a CSS selector: " + e.getMessage(), e);
        }
    }

    private static String url(String name, String key, String url) {
        try {
            URI u = new URI(url);
            if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("property " + PREFIX + name + "." + key + " '" + url + "': "
                    + e.getReason(), e);
        }
    }
}
