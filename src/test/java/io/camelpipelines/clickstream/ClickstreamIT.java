package io.camelpipelines.clickstream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.common.PipelineMetrics.Kind;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** clickstream through the real services: HTTP and Kafka in, PostgreSQL rows, Elasticsearch windows, DLQ. */
class ClickstreamIT {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static RunningApplication app;
    private static DataSource db;
    private static ElasticsearchClient es;

    @BeforeAll
    static void start() {
        app = RunningApplication.get();
        db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        es = app.bean(SharedConnections.ES_CLIENT, ElasticsearchClient.class);
    }

    /** Generated events moved to closed windows a few minutes ago, on pages only this test uses. */
    private static List<ClickEvent> events(int n, String pagePrefix, Instant windowStart) {
        List<ClickEvent> raw = new ClickEventGenerator(300, 1).next(n);
        List<ClickEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClickEvent e = raw.get(i);
            out.add(new ClickEvent(e.eventId(), e.userId(), e.sessionId(), e.eventType(), pagePrefix + (i % 7),
                    e.elementId(), e.referrer(), e.userAgent(), e.ip(),
                    windowStart.plusSeconds(i % 3 * 60).plusMillis(i * 7L % 60_000)));
        }
        return out;
    }

    private static void post(List<ClickEvent> events) throws Exception {
        for (int from = 0; from < events.size(); from += 500) {
            var r = app.post("/api/clicks", JSON.writeValueAsString(events.subList(from, Math.min(events.size(), from + 500))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
    }

    private static List<Map<String, Object>> rows(List<ClickEvent> events) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT event_id, page_url, user_id, session_id, event_time FROM clickstream_data WHERE event_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", events.stream().map(ClickEvent::eventId).toArray()));
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        }
    }

    /** Every stored click whose page starts with the prefix, as {@link #row} reads it. */
    static List<Map<String, Object>> rowsOfPages(Connection c, String pagePrefix) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, page_url, user_id, session_id, event_time"
                + " FROM clickstream_data WHERE page_url LIKE ?")) {
            ps.setString(1, pagePrefix + "%");
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        }
    }

    /** One stored click (event_id, page_url, user_id, session_id, event_time), as the window counts need it. */
    static Map<String, Object> row(ResultSet rs) throws java.sql.SQLException {
        Map<String, Object> row = new HashMap<>();
        row.put("event_id", rs.getString(1));
        row.put("page_url", rs.getString(2));
        row.put("user_id", rs.getString(3));
        row.put("session_id", rs.getString(4));
        row.put("event_time", rs.getObject(5, java.time.OffsetDateTime.class).toInstant());
        return row;
    }

    /** Per document id: clicks, unique users, unique sessions, counted in Java from the stored rows. */
    static Map<String, List<Long>> expectedWindows(List<Map<String, Object>> rows) {
        Map<String, List<Set<Object>>> acc = new HashMap<>();
        Map<String, Long> clicks = new HashMap<>();
        for (Map<String, Object> r : rows) {
            Instant window = ((Instant) r.get("event_time")).truncatedTo(ChronoUnit.MINUTES);
            String id = ClickWindows.documentId((String) r.get("page_url"), window);
            clicks.merge(id, 1L, Long::sum);
            List<Set<Object>> sets = acc.computeIfAbsent(id, k -> List.of(new HashSet<>(), new HashSet<>()));
            sets.get(0).add(r.get("user_id"));
            sets.get(1).add(r.get("session_id"));
        }
        Map<String, List<Long>> expected = new HashMap<>();
        acc.forEach((id, sets) -> expected.put(id, List.of(clicks.get(id), (long) sets.get(0).size(), (long) sets.get(1).size())));
        return expected;
    }

    private static Map<String, List<Long>> indexedWindows(String pagePrefix) throws Exception {
        return indexedWindows(es, pagePrefix);
    }

    /** Per document id of the windows of pages starting with the prefix: clicks, unique users, unique sessions. */
    @SuppressWarnings("unchecked")
    static Map<String, List<Long>> indexedWindows(ElasticsearchClient es, String pagePrefix) throws Exception {
        es.indices().refresh(r -> r.index("click_events"));
        var result = es.search(s -> s.index("click_events").size(1000)
                .query(q -> q.prefix(p -> p.field("page_url").value(pagePrefix))), Map.class);
        Map<String, List<Long>> indexed = new HashMap<>();
        for (Hit<Map> h : result.hits().hits()) {
            Map<String, Object> d = h.source();
            indexed.put(h.id(), List.of(((Number) d.get("clicks")).longValue(), ((Number) d.get("unique_users")).longValue(),
                    ((Number) d.get("unique_sessions")).longValue()));
        }
        return indexed;
    }

    @Test
    void everyEventIsOneRowAndTheWindowsMatchTheRowsIncludingLateAndReplayedEvents() throws Exception {
        String pages = "/it-" + UUID.randomUUID().toString().substring(0, 8) + "/p";
        Instant window = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        List<ClickEvent> events = events(2_000, pages, window);
        post(events);

        await().atMost(Duration.ofSeconds(60)).until(() -> rows(events).size() == events.size());
        Map<String, List<Long>> expected = expectedWindows(rows(events));
        assertThat(expected).hasSize(21);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(indexedWindows(pages)).isEqualTo(expected));

        // late events for an already indexed window correct its numbers
        List<ClickEvent> late = events(70, pages, window);
        post(late);
        List<ClickEvent> all = new ArrayList<>(events);
        all.addAll(late);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(all).size() == all.size());
        Map<String, List<Long>> corrected = expectedWindows(rows(all));
        assertThat(corrected).isNotEqualTo(expected);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(indexedWindows(pages)).isEqualTo(corrected));

        // replaying every event changes nothing
        double in = app.metric("clickstream", Kind.IN);
        post(all);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("clickstream", Kind.IN) >= in + all.size());
        assertThat(rows(all)).hasSize(all.size());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM clickstream_data WHERE page_url LIKE ?")) {
            ps.setString(1, pages + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(all.size());
            }
        }
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(indexedWindows(pages)).isEqualTo(corrected));
    }

    /**
     * A page URL of 1,500 characters (the parser allows 2,048) once made the document id longer than the 512 bytes
     * Elasticsearch accepts: the whole bulk was refused and no window of any page was indexed again.
     */
    @Test
    void aPageUrlLongerThanAnElasticsearchIdIsIndexedWithTheOthers() throws Exception {
        String pages = "/long-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        Instant window = Instant.now().minus(7, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        List<ClickEvent> events = new ArrayList<>(events(200, pages, window));
        ClickEvent e = events.get(0);
        String longPage = pages + "x".repeat(1_500);
        events.add(new ClickEvent("long-" + UUID.randomUUID(), e.userId(), e.sessionId(), e.eventType(), longPage,
                e.elementId(), e.referrer(), e.userAgent(), e.ip(), window.plusSeconds(5)));
        post(events);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(events).size() == events.size());
        Map<String, List<Long>> expected = expectedWindows(rows(events));
        assertThat(expected).containsKey(ClickWindows.documentId(longPage, window));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(indexedWindows(pages)).isEqualTo(expected));
    }

    @Test
    void badRecordsOnKafkaGoToTheDeadLetterTopicWithTheirReasonAndTheRouteGoesOn() throws Exception {
        String good = "good-" + UUID.randomUUID();
        String mark = "m-" + UUID.randomUUID();
        String forbidden = "/forbidden-" + UUID.randomUUID();
        Map<String, String> bad = Map.of(
                "{\"event_id\": not json " + mark, "malformed JSON",
                "{\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\",\"element_id\":\"" + mark + "\"}", "missing event_id",
                "{\"event_id\":\"x-" + UUID.randomUUID() + "\",\"session_id\":\"s\",\"timestamp\":\"yesterday\"}", "not ISO-8601",
                "[1,2,3,\"" + mark + "\"]", "not a JSON object",
                // valid for the parser, refused by a constraint of the table: the batch is retried row by row
                "{\"event_id\":\"c-" + UUID.randomUUID() + "\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\","
                        + "\"page_url\":\"" + forbidden + "\"}", "refused by the database");
        double dlqBefore = app.metric("clickstream", Kind.DLQ);
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            // what a DBA's new rule looks like to the pipeline: a row the database refuses for its data
            st.execute("ALTER TABLE clickstream_data ADD CONSTRAINT it_forbidden_page CHECK (page_url <> '" + forbidden + "')");
        }
        try {
            List<Map.Entry<String, String>> records = new java.util.ArrayList<>();
            bad.keySet().forEach(v -> records.add(Map.entry("k", v)));
            // same key, so the same partition and likely the same batch as the refused record: it must still be stored
            records.add(Map.entry("k", "{\"event_id\":\"" + good + "-k\",\"session_id\":\"k\",\"timestamp\":\"2026-11-21T09:00:00Z\"}"));
            records.add(Map.entry("s-good", "{\"event_id\":\"" + good
                    + "\",\"session_id\":\"s-good\",\"timestamp\":\"2026-11-21T09:00:00Z\",\"page_url\":\"/dlq-test\"}"));
            TopicRecords.send(app.property("kafka.brokers"), "clickstream", records);
            ClickEvent goodEvent = new ClickEvent(good, null, "s-good", null, null, null, null, null, null, Instant.now());
            ClickEvent goodK = new ClickEvent(good + "-k", null, "k", null, null, null, null, null, null, Instant.now());
            await().atMost(Duration.ofSeconds(60)).until(() -> rows(List.of(goodEvent, goodK)).size() == 2);

            Map<String, TopicRecords.DeadLetter> letters = TopicRecords.deadLetters(app.property("kafka.brokers"),
                    "clickstream", bad.keySet(), Duration.ofSeconds(30));
            bad.forEach((value, reason) -> {
                assertThat(letters.get(value).reason()).as(value).contains(reason);
                assertThat(letters.get(value).route()).isEqualTo("clickstream-to-postgres");
            });
            assertThat(letters.keySet()).as("dead letters holding a good event")
                    .noneMatch(v -> v.contains("\"" + good + "\"") || v.contains("\"" + good + "-k\""));
            assertThat(app.metric("clickstream", Kind.DLQ)).isEqualTo(dlqBefore + bad.size());
        } finally {
            try (Connection c = db.getConnection(); var st = c.createStatement()) {
                st.execute("ALTER TABLE clickstream_data DROP CONSTRAINT it_forbidden_page");
            }
        }
    }

    @Test
    void aBodyLargerThanTheServersLimitIsRefusedWith413() throws Exception {
        long limit = Long.parseLong(app.property("camel.server.max-body-size"));
        String big = "[" + "{\"event_id\":\"x\"},".repeat((int) (limit / 16)) + "{}]";
        assertThat((long) big.length()).isGreaterThan(limit);
        double in = app.metric("clickstream", Kind.IN);
        var r = app.post("/api/clicks", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(app.metric("clickstream", Kind.IN)).isEqualTo(in);
    }

    @Test
    void aRequestWithOneBadEventIsRejectedWholeWith400() throws Exception {
        String first = "first-" + UUID.randomUUID();
        var r = app.post("/api/clicks", "[{\"event_id\":\"" + first + "\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"},"
                + "{\"event_id\":\"second\",\"timestamp\":\"2026-11-21T09:00:00Z\"}]");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText()).isEqualTo("event 1: missing session_id");
        assertThat(app.post("/api/clicks", "{\"event_id\": ").statusCode()).isEqualTo(400);

        String marker = "marker-" + UUID.randomUUID();
        var ok = app.post("/api/clicks", "{\"event_id\":\"" + marker + "\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"}");
        assertThat(ok.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(ok.body()).path("accepted").asInt()).isEqualTo(1);
        ClickEvent markerEvent = new ClickEvent(marker, null, "s", null, null, null, null, null, null, Instant.now());
        ClickEvent firstEvent = new ClickEvent(first, null, "s", null, null, null, null, null, null, Instant.now());
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(List.of(markerEvent)).size() == 1);
        assertThat(rows(List.of(firstEvent))).as("nothing of the rejected request was stored").isEmpty();
    }

    @Test
    void theSimulatorProducesEventsThatReachTheTable() throws Exception {
        double out = app.metric("clickstream", Kind.OUT);
        app.context().getRouteController().startRoute("clickstream-simulator");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.metric("clickstream", Kind.OUT) > out + 50);
        } finally {
            app.context().getRouteController().stopRoute("clickstream-simulator");
        }
    }
}
