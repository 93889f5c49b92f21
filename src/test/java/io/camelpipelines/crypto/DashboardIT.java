package io.camelpipelines.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.RunningApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless Chromium): real candles drawn, every pipeline's counters shown,
 * the latest product-views report's top products and stores, and the cheapest fares of a route.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private final RunningApplication app = RunningApplication.get();

    @Test
    void theDashboardDrawsCandlesForEverySymbolAndShowsTheCounters() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium (.ci/run installs it)");
        long now = System.currentTimeMillis();
        app.bean("binanceStreamServer", BinanceStreamServer.class).broadcast(List.of(
                frame("BTCUSDT", now, 43_000.5), frame("ETHUSDT", now, 2_300.25)));
        ObjectMapper json = new ObjectMapper();
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    json.readTree(app.get("/api/candles?symbol=" + symbol + "&interval=1m&limit=5").body()).size() > 0);
        }

        // yesterday's product views, reported: the two most viewed products of that day are this test's
        String marker = java.util.UUID.randomUUID().toString().substring(0, 8);
        java.time.LocalDate yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1);
        long noon = yesterday.atTime(12, 0).toEpochSecond(java.time.ZoneOffset.UTC);
        List<java.util.Map.Entry<String, String>> views = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String product = "dash-" + marker + (i < 50 ? "-a" : "-b");
            views.add(java.util.Map.entry(product, json.writeValueAsString(java.util.Map.of("id", "dash-" + marker + "-" + i,
                    "product_id", product, "time_stamp", noon + i, "store_id", 900 + i % 2, "device_id", "d" + i))));
        }
        io.camelpipelines.TopicRecords.send(app.property("product-views.remote.brokers"),
                app.property("product-views.remote.topic"), views, io.camelpipelines.infra.KafkaBroker.clientSecurity(
                        app.property("product-views.remote.username"), app.property("product-views.remote.password")));
        // reported again until every view is stored and counted
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            app.post("/api/reports/product-views?date=" + yesterday, "");
            String latest = app.get("/api/reports/product-views").body();
            return latest.contains("\"dash-" + marker + "-a\",\"view_count\":50")
                    && latest.contains("\"dash-" + marker + "-b\",\"view_count\":40");
        });

        // a fare on the panel's default route (DEL -> BOM), cheaper than any other
        String flight = "9Q" + (1000 + new java.util.Random().nextInt(9000));
        java.time.Instant seen = java.time.Instant.now();
        io.camelpipelines.TopicRecords.send(app.property("kafka.brokers"), app.property("flights.topic"), List.of(
                java.util.Map.entry(flight, json.createObjectNode().put("flight_number", flight)
                        .put("airline", "Dashboard Air").put("source", "Delhi").put("destination", "Mumbai")
                        .put("origin_code", "DEL").put("destination_code", "BOM").put("price", 1.5).put("currency", "INR")
                        .put("departure_time", seen.plus(java.time.Duration.ofDays(2)).toString())
                        .put("scraped_at", seen.toString()).put("source_site", "dashboard-it").toString())));
        await().atMost(Duration.ofSeconds(60)).until(() ->
                app.get("/api/flights?from=DEL&to=BOM&sort=price&limit=10").body().contains(flight));

        String dom = chromium("--dump-dom");
        Matcher drawn = Pattern.compile("id=\"status\" data-candles=\"(\\d+)\"").matcher(dom);
        assertThat(drawn.find()).as(dom).isTrue();
        assertThat(Integer.parseInt(drawn.group(1))).isGreaterThanOrEqualTo(2);
        assertThat(dom).contains("id=\"chart-BTCUSDT\"", "id=\"chart-ETHUSDT\"", "<canvas")
                .contains("<td>clickstream</td>", "<td>crypto-prices</td>", "<td>product-views</td>")
                .contains("data-date=\"" + yesterday + "\"")
                .contains("<tr><td>dash-" + marker + "-a</td><td>50</td><td>50</td></tr>")
                .contains("<tr><td>dash-" + marker + "-b</td><td>40</td><td>40</td></tr>")
                .contains("<td>" + flight + "</td><td>Dashboard Air</td>", "<td>1.50 INR</td>");

        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        chromium("--screenshot=" + shot, "--window-size=1280,1000");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    private static String frame(String symbol, long time, double price) {
        return "{\"stream\":\"" + symbol.toLowerCase() + "@trade\",\"data\":{\"e\":\"trade\",\"E\":" + time + ",\"s\":\"" + symbol
                + "\",\"t\":" + System.nanoTime() + ",\"p\":\"" + price + "\",\"q\":\"0.5\",\"T\":" + time + ",\"m\":false}}";
    }

    private String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory("chromium");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        cmd.add(app.url("/dashboard/"));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            io.camelpipelines.infra.Directories.delete(profile);
        }
    }
}
