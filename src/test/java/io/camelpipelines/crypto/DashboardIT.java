package io.camelpipelines.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.RunningApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless Chromium), checked against what the test itself sent and what
 * the APIs answer: every pipeline's row with its state and records/s sparkline, the clickstream row counting this
 * test's rejected records and naming their field, every service UP; candles for every symbol on a time axis, from the
 * oldest to the newest candle the API holds; the latest product-views report's top products and stores, and the
 * cheapest fares of a route. Its screenshot, the whole page at 1280 pixels wide, is docs/dashboard.png.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final List<String> SERVICES = List.of("elasticsearch", "kafka", "mongodb", "postgres");
    private static final int WIDTH = 1280;
    private final RunningApplication app = RunningApplication.get();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theDashboardShowsEachPipelineEachServiceAndCandlesOnATimeAxis() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium (.ci/run installs it)");
        String marker = java.util.UUID.randomUUID().toString().substring(0, 8);

        // the routes start after the context
        await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/api/pipelines/overview").statusCode() == 200);

        // clickstream: good events and events whose timestamp is no time, each of those rejected naming its field
        JsonNode before = overview().path("pipelines").path("clickstream");
        List<String> hostile = new ArrayList<>();
        List<java.util.Map.Entry<String, String>> events = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String timestamp = i % 2 == 0 ? java.time.Instant.now().toString() : "dash-" + marker + "-" + i;
            if (i % 2 == 1) {
                hostile.add("timestamp '" + timestamp + "' is not ISO-8601 with an offset");
            }
            events.add(java.util.Map.entry("s-" + marker, json.createObjectNode().put("event_id", "dash-" + marker + "-" + i)
                    .put("user_id", "u-" + marker).put("session_id", "s-" + marker).put("event_type", "click")
                    .put("page_url", "/dashboard/" + marker).put("timestamp", timestamp).toString()));
        }
        io.camelpipelines.TopicRecords.send(app.property("kafka.brokers"), app.property("clickstream.topic"), events);
        long dlqExpected = before.path("dlq").asLong() + hostile.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode c = overview().path("pipelines").path("clickstream");
            return c.path("dlq").asLong() == dlqExpected
                    && c.path("in").asLong() >= before.path("in").asLong() + events.size()
                    && reasons(c).containsAll(hostile);
        });

        // the API: every pipeline started, rates sampled, lag measured; every service answering
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode o = overview();
            for (var p : o.path("pipelines").properties()) {
                assertThat(p.getValue().path("state").asText()).as(p.getKey()).isEqualTo("Started");
                assertThat(p.getValue().path("rates").size()).as(p.getKey()).isGreaterThanOrEqualTo(2);
                assertThat(p.getValue().path("consumerLag").isNumber()).as(p.getKey()).isTrue();
            }
            assertThat(o.path("services").fieldNames()).toIterable().containsExactlyElementsOf(SERVICES);
            for (String s : SERVICES) {
                assertThat(o.path("services").path(s).path("state").asText()).as(o.path("services").toString()).isEqualTo("UP");
            }
        });
        JsonNode overview = overview();
        List<String> pipelines = new ArrayList<>();
        overview.path("pipelines").fieldNames().forEachRemaining(pipelines::add);
        assertThat(pipelines).contains("clickstream", "crypto-prices", "flights", "food-orders", "product-views");
        JsonNode clickstream = overview.path("pipelines").path("clickstream");
        assertThat(clickstream.path("dlq").asLong()).isEqualTo(dlqExpected);
        assertThat(clickstream.path("deadLetters").get(0).path("topic").asText()).isEqualTo(app.property("clickstream.topic"));
        // this test's events, at least, were a rate
        assertThat(clickstream.path("rates").findValuesAsText("in").stream().mapToDouble(Double::parseDouble).max()
                .orElse(0)).isPositive();
        assertThat(clickstream.path("consumerLag").asLong()).isGreaterThanOrEqualTo(0);
        // the published counters, unchanged in shape
        assertThat(json.readTree(app.get("/api/pipelines").body()).path("clickstream").path("dlq").asLong())
                .isEqualTo(dlqExpected);

        long now = System.currentTimeMillis();
        app.bean("binanceStreamServer", BinanceStreamServer.class).broadcast(List.of(
                frame("BTCUSDT", now, 43_000.5), frame("ETHUSDT", now, 2_300.25)));
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    json.readTree(app.get("/api/candles?symbol=" + symbol + "&interval=1m&limit=5").body()).size() > 0);
        }

        // yesterday's product views, reported: the two most viewed products of that day are this test's
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

        // the page draws the 60 latest candles of the first interval; a new minute may begin while it loads
        String interval = json.readTree(app.get("/api/markets").body()).path("intervals").get(0).asText();
        java.util.Map<String, List<String>> spansBefore = candleSpans(interval);
        String dom = chromium("--dump-dom", "--window-size=" + WIDTH + ",1000");
        java.util.Map<String, List<String>> spansAfter = candleSpans(interval);

        Matcher drawn = Pattern.compile("id=\"status\" data-candles=\"(\\d+)\"[^>]*>(\\d+) candles").matcher(dom);
        assertThat(drawn.find()).as(dom).isTrue();
        assertThat(Integer.parseInt(drawn.group(1))).isGreaterThanOrEqualTo(2);

        java.util.Map<String, String> rows = new java.util.HashMap<>();
        Matcher row = Pattern.compile("<article class=\"pipeline\" data-pipeline=\"([^\"]+)\"(.*?)</article>",
                Pattern.DOTALL).matcher(dom);
        while (row.find()) {
            rows.put(row.group(1), row.group(2));
        }
        assertThat(rows.keySet()).as(dom).containsExactlyInAnyOrderElementsOf(pipelines);
        rows.forEach((pipeline, html) -> {
            assertThat(html).as(pipeline).contains("data-state=\"Started\"", "<span class=\"state\">Started</span>");
            Matcher spark = Pattern.compile("<div class=\"spark\"[^>]*data-points=\"(\\d+)\"[^>]*>.*?<canvas",
                    Pattern.DOTALL).matcher(html);
            assertThat(spark.find()).as(pipeline + ": " + html).isTrue();
            assertThat(Integer.parseInt(spark.group(1))).as(pipeline).isPositive();
        });
        assertThat(rows.get("clickstream")).contains("data-dlq=\"" + dlqExpected + "\"");
        for (String reason : hostile) {
            assertThat(rows.get("clickstream")).contains("<span class=\"reason\">" + reason + "</span>");
        }
        for (String service : SERVICES) {
            assertThat(dom).contains("data-service=\"" + service + "\" data-state=\"UP\"");
        }
        // the cluster: this one instance, and a row per singleton route /api/cluster names, each run by it
        JsonNode cluster = json.readTree(app.get("/api/cluster").body());
        String instance = cluster.path("instance").asText();
        assertThat(dom).contains("<tr data-instance=\"" + instance + "\">");
        assertThat(cluster.path("singletons")).isNotEmpty();
        for (JsonNode singleton : cluster.path("singletons")) {
            assertThat(dom).contains("<tr data-route=\"" + singleton.path("route").asText() + "\"><td>"
                    + singleton.path("route").asText() + "</td><td>" + instance + "</td>");
        }

        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            Matcher chart = Pattern.compile("<div class=\"chart\" id=\"chart-" + symbol + "\"([^>]*)>").matcher(dom);
            assertThat(chart.find()).as(dom).isTrue();
            String attributes = chart.group(1);
            assertThat(attributes).contains("data-x-axis=\"time\"");
            assertThat(List.of(spansBefore.get(symbol), spansAfter.get(symbol))).as(attributes)
                    .contains(List.of(attribute(attributes, "data-first"), attribute(attributes, "data-last"),
                            attribute(attributes, "data-count")));
        }
        assertThat(dom).contains("<canvas")
                .contains("data-date=\"" + yesterday + "\"")
                .contains("<tr><td>dash-" + marker + "-a</td><td>50</td><td>50</td></tr>")
                .contains("<tr><td>dash-" + marker + "-b</td><td>40</td><td>40</td></tr>")
                .contains("<td>" + flight + "</td><td>Dashboard Air</td>", "<td>1.50 INR</td>");

        // all of the page: as tall as the page says it is
        Matcher height = Pattern.compile("<body data-height=\"(\\d+)\"").matcher(dom);
        assertThat(height.find()).as(dom).isTrue();
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        chromium("--screenshot=" + shot, "--window-size=" + WIDTH + "," + height.group(1));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    private JsonNode overview() throws Exception {
        var r = app.get("/api/pipelines/overview");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static List<String> reasons(JsonNode pipeline) {
        return pipeline.path("deadLetters").findValuesAsText("reason");
    }

    /** Per symbol: the oldest and newest candle the API holds among the 60 latest, and how many. */
    private java.util.Map<String, List<String>> candleSpans(String interval) throws Exception {
        java.util.Map<String, List<String>> out = new java.util.HashMap<>();
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            JsonNode candles = json.readTree(app.get("/api/candles?symbol=" + symbol + "&interval=" + interval
                    + "&limit=60").body());
            out.put(symbol, List.of(iso(candles.get(candles.size() - 1)), iso(candles.get(0)), String.valueOf(candles.size())));
        }
        return out;
    }

    private static String iso(JsonNode candle) {
        // as the page writes it: Date.toISOString(), milliseconds always shown
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(
                java.time.Instant.parse(candle.path("window_start").asText()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .replaceFirst("(:\\d\\d)Z$", "$1.000Z");
    }

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(attributes);
        assertThat(m.find()).as(name + " in " + attributes).isTrue();
        return m.group(1);
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
