package io.camelpipelines.productviews;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonValue;
import io.camelpipelines.common.KafkaMessages;
import io.camelpipelines.common.RatePacer;

/**
 * Product views in the upstream format of the remote cluster, for offline runs: a catalogue whose popularity falls
 * off like real shops' (a few products take most views), stores, returning devices, referrers, spread over the
 * last {@code days} days; store_id sometimes a number and sometimes a string, as upstream sends it.
 */
public class ProductViewGenerator {

    private static final String[] REFERRERS = {"https://www.google.com/", "https://www.facebook.com/",
            "https://www.instagram.com/", "https://www.bing.com/", "https://duckduckgo.com/", null};
    private static final String[] COLLECTIONS = {"view_product_detail", "select_product_option",
            "select_product_option_quality", "view_listing_page"};
    private static final String[] AGENTS = {
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/119.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36"};
    private static final String[] RESOLUTIONS = {"375x667", "390x844", "1920x1080", "1366x768", "412x915"};
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final RatePacer pacer;
    private final int days;
    private final List<String> products = new ArrayList<>();
    private final List<String> devices = new ArrayList<>();

    /** A view as upstream writes it: a JSON object, keyed by its product. */
    public record UpstreamView(@JsonValue Map<String, Object> fields) implements KafkaMessages.Keyed {
        @Override
        public String kafkaKey() {
            return String.valueOf(fields.get("product_id"));
        }
    }

    public ProductViewGenerator(double ratePerSecond, int days, int products, int devices) {
        this.pacer = new RatePacer(ratePerSecond);
        this.days = Math.max(1, days);
        Random r = new Random(42);
        for (int i = 0; i < products; i++) {
            this.products.add(String.valueOf(10_000 + r.nextInt(90_000)));
        }
        for (int i = 0; i < devices; i++) {
            this.devices.add(new UUID(r.nextLong(), r.nextLong()).toString());
        }
    }

    /** The views due since the last call. */
    public List<UpstreamView> due() {
        return next(pacer.due(), Instant.now());
    }

    public List<UpstreamView> next(int n, Instant now) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<UpstreamView> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant at = now.minusSeconds(r.nextLong(days * 86_400L));
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("id", UUID.randomUUID().toString());
            v.put("time_stamp", at.getEpochSecond());
            v.put("ip", r.nextInt(1, 224) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255));
            v.put("user_agent", AGENTS[r.nextInt(AGENTS.length)]);
            v.put("resolution", RESOLUTIONS[r.nextInt(RESOLUTIONS.length)]);
            v.put("device_id", devices.get(skewed(r, devices.size())));
            v.put("api_version", "1.0");
            int store = 1 + skewed(r, 40);
            v.put("store_id", r.nextBoolean() ? String.valueOf(store) : store);
            v.put("local_time", LOCAL.format(at.atOffset(ZoneOffset.ofHours(r.nextInt(-5, 9)))));
            String product = products.get(skewed(r, products.size()));
            v.put("current_url", "https://www.example.com/products/" + product);
            v.put("referrer_url", REFERRERS[r.nextInt(REFERRERS.length)]);
            v.put("collection", COLLECTIONS[skewed(r, COLLECTIONS.length)]);
            v.put("product_id", product);
            v.put("option", r.nextInt(4) == 0 ? List.of(Map.of("option_label", "size", "option_id", String.valueOf(r.nextInt(1, 9))))
                    : List.of());
            out.add(new UpstreamView(v));
        }
        return out;
    }

    /** An index in [0, size) where small indexes are much more likely, like the popularity of products. */
    private static int skewed(ThreadLocalRandom r, int size) {
        return (int) Math.min(size - 1, Math.floor(size * Math.pow(r.nextDouble(), 3)));
    }
}
