package io.camelpipelines.flights;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while its simulator publishes flight observations, restarted on
 * the same data each time, then once more without the simulator. At the end every observation on flight-data is one
 * row of flight_prices, and every flight's document holds the latest and the lowest price computed here from the
 * topic.
 */
class FlightsCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesUnderLoadEveryObservationIsOneRowAndEveryFlightDocumentIsRight() throws Exception {
        int pgPort = Ports.free("127.0.0.1");
        int esPort = Ports.free("127.0.0.1");
        int kafkaPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("flights-crash-it", Map.ofEntries(
                Map.entry("postgres.embedded.port", String.valueOf(pgPort)),
                Map.entry("elasticsearch.embedded.port", String.valueOf(esPort)),
                Map.entry("kafka.embedded.port", String.valueOf(kafkaPort)),
                Map.entry("flights.simulator.rate", "400"),
                Map.entry("flights.simulator.cron", "0/1 * * * * ?"),
                Map.entry("flights.api.enabled", "false"),
                Map.entry("flights.pages.enabled", "false"),
                Map.entry("flights.console.enabled", "false"),
                // only the pipeline under test
                Map.entry("clickstream.enabled", "false"),
                Map.entry("food-orders.enabled", "false"),
                Map.entry("crypto-prices.enabled", "false"),
                Map.entry("product-views.enabled", "false")));
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines";
        try {
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            app.killAndRestart("flights crash test", KILLS, () -> (int) rowCount(url), 2_000);
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
            app.set("flights.simulator.enabled", "false");
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));

            // what the topic holds, and what each flight's document must say, computed here
            Map<String, JsonNode> published = new HashMap<>();
            Map<String, Integer> onTopic = TopicRecords.countAll("127.0.0.1:" + kafkaPort, "flight-data", Map.of(), value -> {
                try {
                    JsonNode o = JSON.readTree(value);
                    String key = o.path("flight_number").asText() + "|" + Instant.parse(o.path("departure_time").asText())
                            + "|" + o.path("source_site").asText() + "|" + Instant.parse(o.path("scraped_at").asText());
                    published.put(key, o);
                    return key;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Map<String, double[]> expected = new HashMap<>();   // latest price, its time, lowest price
            published.values().forEach(o -> {
                String flight = o.path("flight_number").asText() + "|" + Instant.parse(o.path("departure_time").asText());
                double price = o.path("price").asDouble();
                double at = Instant.parse(o.path("scraped_at").asText()).toEpochMilli();
                expected.merge(flight, new double[] {price, at, price}, (a, b) -> new double[] {
                        b[1] > a[1] ? b[0] : a[0], Math.max(a[1], b[1]), Math.min(a[2], b[2])});
            });

            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> rowCount(url) >= onTopic.size());
            Map<String, Integer> rows = rowKeys(url);
            long lost = onTopic.keySet().stream().filter(k -> !rows.containsKey(k)).count();
            long doubled = rows.values().stream().filter(n -> n > 1).count();
            long unknown = rows.keySet().stream().filter(k -> !onTopic.containsKey(k)).count();
            Map<String, double[]> indexed = new HashMap<>();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                indexed.clear();
                indexed.putAll(documents(esPort));
                assertThat(indexed.keySet()).isEqualTo(expected.keySet());
            });
            long wrong = expected.entrySet().stream().filter(e -> {
                double[] d = indexed.get(e.getKey());
                return d[0] != e.getValue()[0] || d[1] != e.getValue()[2];
            }).count();
            System.out.printf("flights crash test: %d kills, %d observations on flight-data, %d rows, %d lost, %d doubled, "
                    + "%d not from the topic; %d flight documents, %d with a wrong latest or lowest price%n", KILLS,
                    onTopic.size(), rows.size(), lost, doubled, unknown, indexed.size(), wrong);
            assertThat(lost).as("observations of the topic missing from flight_prices").isZero();
            assertThat(doubled).as("observations stored twice").isZero();
            assertThat(unknown).as("rows that never were on the topic").isZero();
            assertThat(wrong).as("flight documents with a wrong latest or lowest price").isZero();
            assertThat(onTopic.size()).isGreaterThanOrEqualTo(2_000 * (KILLS + 1));
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
        }
    }

    private static long rowCount(String url) {
        try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flight_prices")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception notUpYet) {
            return 0;
        }
    }

    private static Map<String, Integer> rowKeys(String url) throws Exception {
        Map<String, Integer> keys = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT flight_number, departure_time, source_site, scraped_at FROM flight_prices")) {
            while (rs.next()) {
                keys.merge(rs.getString(1) + "|" + rs.getTimestamp(2).toInstant() + "|" + rs.getString(3) + "|"
                        + rs.getTimestamp(4).toInstant(), 1, Integer::sum);
            }
        }
        return keys;
    }

    /** flight|departure -> {latest price, lowest price} of every document of the flights index. */
    private static Map<String, double[]> documents(int esPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + esPort + "/flights";
        http.send(HttpRequest.newBuilder(URI.create(base + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/_search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"size\":10000,\"query\":{\"match_all\":{}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, double[]> docs = new HashMap<>();
        for (JsonNode hit : JSON.readTree(r.body()).path("hits").path("hits")) {
            JsonNode d = hit.path("_source");
            docs.put(d.path("flight_number").asText() + "|" + Instant.parse(d.path("departure_time").asText()),
                    new double[] {d.path("latest_price").asDouble(), d.path("lowest_price").asDouble()});
        }
        return docs;
    }
}
