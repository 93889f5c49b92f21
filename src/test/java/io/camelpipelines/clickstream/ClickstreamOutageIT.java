package io.camelpipelines.clickstream;

import java.net.http.HttpResponse;
import java.sql.Connection;
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

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.ObservabilityIT;
import io.camelpipelines.LogLines;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.BatchFailureLog;
import io.camelpipelines.common.PipelineMetrics;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.infra.EmbeddedService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each service the clickstream pipeline depends on taken away for {@code outage.seconds} (30) while a client posts
 * events: health turns DOWN naming the service and back UP, the routes resume by themselves, and every accepted
 * event is one row, with Elasticsearch windows equal to counts computed here from the rows. Kafka gone means the
 * POST cannot be accepted: the client gets 503 with Retry-After and the events are counted as dropped.
 */
class ClickstreamOutageIT {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("outage.seconds", 30));

    private final RunningApplication app = RunningApplication.get();
    private final DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
    private final ElasticsearchClient es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);

    @Test
    void postgresStoppedUnderLoadEveryAcceptedEventIsStoredOnceAndCounted() throws Exception {
        try (LogLines batches = LogLines.of(BatchFailureLog.class);
             LogLines attempts = LogLines.of("org.apache.camel.processor.errorhandler.DefaultErrorHandler")) {
            outageUnderLoad("postgres");
            // each batch the database refused is one WARN naming its records and the cause, and one INFO once written;
            // not a line per retry, though each was retried several times over the outage
            await().atMost(Duration.ofMinutes(1)).until(() -> count(batches.lines(), "clickstream-to-postgres: batch",
                    "written after") >= 1);
            List<String> sink = batches.lines().stream().filter(l -> l.contains("clickstream-to-postgres: batch")).toList();
            List<String> failed = sink.stream().filter(l -> l.startsWith("WARN") && l.contains("not written")).toList();
            List<String> written = sink.stream().filter(l -> l.startsWith("INFO") && l.contains("written after")).toList();
            assertThat(failed).as(String.join("\n", sink)).isNotEmpty().doesNotHaveDuplicates()
                    .allSatisfy(l -> assertThat(l).containsPattern("batch clickstream-\\d+@\\d+").contains("records)"));
            assertThat(written).as(String.join("\n", sink)).hasSameSizeAs(failed);
            assertThat(written.stream().mapToInt(l -> Integer.parseInt(l.replaceAll(".* after (\\d+) failed attempts.*", "$1")))
                    .max().orElse(0)).as("retries of one batch").isGreaterThanOrEqualTo(3);
            assertThat(attempts.lines()).as("Camel's own per-attempt lines")
                    .noneMatch(l -> l.contains("On delivery attempt") && l.contains("clickstream-to-postgres"));
        }
    }

    private static long count(List<String> lines, String... parts) {
        return lines.stream().filter(l -> java.util.Arrays.stream(parts).allMatch(l::contains)).count();
    }

    @Test
    void elasticsearchStoppedUnderLoadTheWindowsCatchUpExactly() throws Exception {
        outageUnderLoad("elasticsearch");
    }

    @Test
    void whileKafkaIsDownAPostGets503AndIsCountedAndAfterItsRestartEverythingFlows() throws Exception {
        String pages = "/outage-kafka-" + UUID.randomUUID().toString().substring(0, 8) + "/p";
        List<ClickEvent> events = events(pages, 0, 3);
        double dropped = app.metric("clickstream", PipelineMetrics.Kind.DROPPED);
        EmbeddedService kafka = app.infrastructure().service("kafka");
        kafka.close();
        try {
            awaitDown("kafka");
            HttpResponse<String> r = app.post("/api/clicks", JSON.writeValueAsString(events));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).contains("5");
            assertThat(JSON.readTree(r.body()).path("error").asText()).contains("send the request again");
            assertThat(app.metric("clickstream", PipelineMetrics.Kind.DROPPED)).isEqualTo(dropped + events.size());
        } finally {
            kafka.start();
        }
        long back = System.nanoTime();
        awaitUp();
        HttpResponse<String> again = app.post("/api/clicks", JSON.writeValueAsString(events));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        Set<String> ids = ConcurrentHashMap.newKeySet();
        events.forEach(e -> ids.add(e.eventId()));
        reconcile("kafka restart", pages, ids, back);
    }

    private void outageUnderLoad(String service) throws Exception {
        String pages = "/outage-" + service + "-" + UUID.randomUUID().toString().substring(0, 8) + "/p";
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        int[] batch = {0};
        Runnable postOne = () -> {
            try {
                List<ClickEvent> events = events(pages, batch[0]++ * 20, 20);
                HttpResponse<String> r = app.post("/api/clicks", JSON.writeValueAsString(events));
                assertThat(r.statusCode()).as("POST while " + service + " is down: " + r.body()).isEqualTo(202);
                events.forEach(e -> accepted.add(e.eventId()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        for (int i = 0; i < 10; i++) {
            postOne.run();
        }
        EmbeddedService down = app.infrastructure().service(service);
        down.close();
        long until = System.nanoTime() + OUTAGE.toNanos();
        try {
            awaitDown(service);
            // the load goes on for the whole outage (Kafka is up, so every POST is accepted)
            await().atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                postOne.run();
                return System.nanoTime() >= until;
            });
        } finally {
            down.start();
        }
        long back = System.nanoTime();
        awaitUp();
        for (int i = 0; i < 10; i++) {
            postOne.run();
        }
        reconcile(service + " outage of " + OUTAGE.toSeconds() + " s", pages, accepted, back);
    }

    /** Every accepted event exactly once in clickstream_data, and the windows in Elasticsearch equal to the rows. */
    private void reconcile(String what, String pages, Set<String> accepted, long back) throws Exception {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> rows(pages).stream().map(r -> r.get("event_id")).toList().containsAll(accepted));
        List<Map<String, Object>> rows = rows(pages);
        Map<Object, Long> perId = new HashMap<>();
        rows.forEach(r -> perId.merge(r.get("event_id"), 1L, Long::sum));
        long lost = accepted.stream().filter(id -> !perId.containsKey(id)).count();
        long doubled = perId.values().stream().filter(n -> n > 1).count();
        Map<String, List<Long>> expected = ClickstreamIT.expectedWindows(rows);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(ClickstreamIT.indexedWindows(es, pages)).isEqualTo(expected));
        long caughtUp = (System.nanoTime() - back) / 1_000_000;
        System.out.printf("clickstream %s: %d events accepted, %d rows, %d lost, %d doubled, %d windows in"
                + " Elasticsearch equal to the rows, caught up %d ms after the service returned%n", what, accepted.size(),
                rows.size(), lost, doubled, expected.size(), caughtUp);
        assertThat(lost).as("accepted events lost").isZero();
        assertThat(doubled).as("events stored twice").isZero();
        assertThat(rows).hasSize(accepted.size());
    }

    private void awaitDown(String service) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> r = app.get("/observe/health");
            assertThat(r.statusCode()).isEqualTo(503);
            JsonNode check = ObservabilityIT.check(JSON.readTree(r.body()), service);
            assertThat(check.path("status").asText()).as(r.body()).isEqualTo("DOWN");
        });
    }

    private void awaitUp() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> r = app.get("/observe/health");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        });
    }

    /** n events with fresh ids on this test's pages, in closed windows a quarter of an hour ago. */
    private static List<ClickEvent> events(String pages, int offset, int n) {
        Instant window = Instant.now().minus(15, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        List<ClickEvent> out = new ArrayList<>(n);
        List<ClickEvent> raw = new ClickEventGenerator(300, 1).next(n);
        for (int i = 0; i < n; i++) {
            ClickEvent e = raw.get(i);
            int k = offset + i;
            out.add(new ClickEvent("outage-" + UUID.randomUUID(), e.userId(), e.sessionId(), e.eventType(),
                    pages + (k % 7), e.elementId(), e.referrer(), e.userAgent(), e.ip(),
                    window.plusSeconds(k % 5 * 60).plusMillis(k * 7L % 60_000)));
        }
        return out;
    }

    private List<Map<String, Object>> rows(String pages) throws Exception {
        try (Connection c = db.getConnection()) {
            return ClickstreamIT.rowsOfPages(c, pages);
        }
    }
}
