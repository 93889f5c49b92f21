package io.camelpipelines.clickstream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.camelpipelines.common.RatePacer;

/**
 * Realistic click events at a steady rate: a population of users, each browsing in sessions of
 * a few dozen events, over product, category, search, cart and checkout pages, arriving from search
 * engines, social networks, newsletters or directly, with real browser user agents.
 */
public class ClickEventGenerator {

    private static final String[] PAGES = {"/", "/products/", "/products/", "/products/", "/category/", "/search?q=",
        "/cart", "/checkout", "/account", "/deals"};
    private static final String[] CATEGORIES = {"shoes", "laptops", "phones", "books", "kitchen", "garden", "toys", "audio"};
    private static final String[] SEARCHES = {"running+shoes", "usb-c+cable", "headphones", "coffee+grinder", "desk+lamp"};
    private static final String[] ELEMENTS = {"buy-button", "add-to-cart", "product-image", "nav-link", "search-box",
        "banner", "footer-link", "filter-price", "size-selector", "checkout-button"};
    private static final String[] TYPES = {"click", "click", "click", "click", "click", "page_view", "page_view", "scroll",
        "add_to_cart", "purchase"};
    private static final String[] REFERRERS = {"https://google.com", "https://google.com", "https://bing.com",
        "https://duckduckgo.com", "https://facebook.com", "https://t.co", "https://newsletter.example.com", null, null};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"};
    private static final String[] NETWORKS = {"203.0.113.", "198.51.100.", "192.0.2."};

    private final int users;
    private final RatePacer pacer;
    private final String[] sessionOfUser;
    private final int[] eventsLeftInSession;

    public ClickEventGenerator(int users, double ratePerSecond) {
        this.users = users;
        this.pacer = new RatePacer(ratePerSecond);
        this.sessionOfUser = new String[users];
        this.eventsLeftInSession = new int[users];
    }

    /** The events due since the last call at the configured rate, so timer jitter does not change the rate. */
    public List<ClickEvent> due() {
        return next(pacer.due());
    }

    public synchronized List<ClickEvent> next(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<ClickEvent> events = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            int user = r.nextInt(users);
            if (eventsLeftInSession[user] <= 0) {
                sessionOfUser[user] = "s-" + UUID.randomUUID().toString().substring(0, 13);
                eventsLeftInSession[user] = 5 + r.nextInt(40);
            }
            eventsLeftInSession[user]--;
            events.add(new ClickEvent(UUID.randomUUID().toString(), "u-" + user, sessionOfUser[user],
                    pick(r, TYPES), page(r), pick(r, ELEMENTS), pick(r, REFERRERS), AGENTS[user % AGENTS.length],
                    NETWORKS[user % NETWORKS.length] + (1 + user % 254), now));
        }
        return events;
    }

    private static String page(ThreadLocalRandom r) {
        String p = pick(r, PAGES);
        return switch (p) {
            case "/products/" -> p + (10000 + r.nextInt(500));
            case "/category/" -> p + pick(r, CATEGORIES);
            case "/search?q=" -> p + pick(r, SEARCHES);
            default -> p;
        };
    }

    private static <T> T pick(ThreadLocalRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
