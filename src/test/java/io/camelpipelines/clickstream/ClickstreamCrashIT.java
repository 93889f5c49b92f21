package io.camelpipelines.clickstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while a client posts click events, restarted on the same data
 * directory each time. Every event answered 202 must be a row of clickstream_data, and the windows in
 * Elasticsearch must equal the counts computed here from those rows.
 */
class ClickstreamCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesWhileClientsPostEveryAcceptedEventIsStoredAndCountedOnce() throws Exception {
        int pgPort = Ports.free("127.0.0.1");
        int esPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("clickstream-crash-it", Map.of(
                "postgres.embedded.port", String.valueOf(pgPort),
                "elasticsearch.embedded.port", String.valueOf(esPort),
                // only the pipeline under test, and only the events this test sends
                "food-orders.enabled", "false",
                "product-views.enabled", "false",
                "crypto-prices.enabled", "false",
                "clickstream.simulator.enabled", "false",
                "clickstream.aggregate.period", "1000"));
        String pages = "/crash-" + UUID.randomUUID().toString().substring(0, 8) + "/p";
        ClickPoster poster = new ClickPoster(List.of(app), pages);
        try {
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            Thread t = new Thread(poster, "click-poster");
            t.start();
            app.killAndRestart("clickstream crash test", KILLS, () -> poster.accepted.size(), 2_000);
            poster.stop.set(true);
            t.join(60_000);

            Set<String> accepted = Set.copyOf(poster.accepted.keySet());
            String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines";
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> storedIds(url, pages).containsAll(accepted));
            List<Map<String, Object>> rows = rows(url, pages);
            long lost = accepted.stream().filter(id -> rows.stream().noneMatch(r -> r.get("event_id").equals(id))).count();
            Map<String, Long> perId = new HashMap<>();
            rows.forEach(r -> perId.merge((String) r.get("event_id"), 1L, Long::sum));
            long doubled = perId.values().stream().filter(n -> n > 1).count();
            Map<String, List<Long>> expected = ClickstreamIT.expectedWindows(rows);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(indexedWindows(esPort, pages)).isEqualTo(expected));
            System.out.printf("clickstream crash test: %d kills, %d events accepted (%d requests failed during the kills),"
                    + " %d rows, %d lost, %d doubled, %d windows in Elasticsearch equal to the rows%n", KILLS,
                    accepted.size(), poster.failures.get(), rows.size(), lost, doubled, expected.size());
            assertThat(lost).as("accepted events lost").isZero();
            assertThat(doubled).as("events doubled").isZero();
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            poster.stop.set(true);
            app.close();
        }
    }

    private static Set<String> storedIds(String url, String pages) throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        rows(url, pages).forEach(r -> ids.add((String) r.get("event_id")));
        return ids;
    }

    private static List<Map<String, Object>> rows(String url, String pages) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines")) {
            return ClickstreamIT.rowsOfPages(c, pages);
        }
    }

    private static Map<String, List<Long>> indexedWindows(int esPort, String pages) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + esPort + "/click_events";
        http.send(HttpRequest.newBuilder(URI.create(base + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        String query = "{\"size\":10000,\"query\":{\"prefix\":{\"page_url\":\"" + pages + "\"}}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/_search"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query)).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, List<Long>> indexed = new HashMap<>();
        for (JsonNode hit : JSON.readTree(r.body()).path("hits").path("hits")) {
            JsonNode d = hit.path("_source");
            indexed.put(hit.path("_id").asText(), List.of(d.path("clicks").asLong(), d.path("unique_users").asLong(),
                    d.path("unique_sessions").asLong()));
        }
        return indexed;
    }
}
