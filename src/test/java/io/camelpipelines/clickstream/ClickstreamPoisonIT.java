package io.camelpipelines.clickstream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile records written to the clickstream topic by another producer, between good ones: each hostile record
 * lands alone in clickstream.dlq with a reason naming its field; the good ones, including those that only look
 * hostile (SQL in a string, unicode, the same event twice), are stored exactly as sent.
 */
class ClickstreamPoisonIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();
    private final String marker = UUID.randomUUID().toString().substring(0, 8);

    private ObjectNode event(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("event_id", id);
        n.put("user_id", "u-" + marker);
        n.put("session_id", "s-" + marker);
        n.put("event_type", "click");
        n.put("page_url", "/poison/" + marker);
        n.put("timestamp", "2026-11-21T09:00:00Z");
        return n;
    }

    @Test
    void eachHostileRecordGoesAloneToTheDeadLetterTopicNamingItsFieldAndTheGoodOnesAreStoredAsSent() throws Exception {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put(event("p-" + marker + "-1").put("page_url", "/" + "x".repeat(3000)).toString(), "page_url longer than 2048");
        ObjectNode nested = event("p-" + marker + "-2");
        nested.putObject("user_id").put("id", 1);
        hostile.put(nested.toString(), "user_id must be a string");
        hostile.put(event("p-" + marker + "-3").put("session_id", 42).toString(), "session_id must be a string");
        hostile.put(event("p-" + marker + "-4").put("timestamp", "+300000-01-01T00:00:00Z").toString(),
                "timestamp '+300000-01-01T00:00:00Z' is out of range");
        hostile.put(event("p-" + marker + "-5").put("timestamp", 1700000000).toString(), "timestamp must be a string");
        hostile.put(event("p-" + marker + "-6").putNull("event_id").put("element_id", marker).toString(), "missing event_id");
        hostile.put(event("p-" + marker + "-7").put("referrer", "a\u0000b").toString(), "referrer contains a NUL character");
        hostile.put("{\"event_id\":\"p-" + marker + "-8\",\"page_url\":", "malformed JSON");
        hostile.put(event("p-" + marker + "-9").put("ip", "1".repeat(200)).toString(), "ip longer than 128");

        Map<String, String> good = new LinkedHashMap<>();   // event id -> page_url as sent
        List<String> goodValues = new ArrayList<>();
        String[] pages = {"/poison/" + marker + "/'); DROP TABLE clickstream_data; --", "/poison/" + marker + "/ünï-çødé-😀",
                "/poison/" + marker + "/plain"};
        for (int i = 0; i < pages.length; i++) {
            String id = "g-" + marker + "-" + i;
            good.put(id, pages[i]);
            goodValues.add(event(id).put("page_url", pages[i]).toString());
        }
        List<Map.Entry<String, String>> records = new ArrayList<>();
        // good, hostile, good, hostile...: the hostile ones sit inside batches of good ones; the last good one twice
        List<String> hostileValues = new ArrayList<>(hostile.keySet());
        for (int i = 0; i < Math.max(goodValues.size(), hostileValues.size()); i++) {
            if (i < goodValues.size()) {
                records.add(Map.entry("s-" + marker, goodValues.get(i)));
            }
            if (i < hostileValues.size()) {
                records.add(Map.entry("s-" + marker, hostileValues.get(i)));
            }
        }
        records.add(Map.entry("s-" + marker, goodValues.get(goodValues.size() - 1)));
        String brokers = app.property("kafka.brokers");
        TopicRecords.send(brokers, app.property("clickstream.topic"), records);

        await().atMost(Duration.ofSeconds(60)).until(() -> stored().size() == good.size());
        Map<String, List<String>> stored = stored();
        good.forEach((id, page) -> assertThat(stored.get(id)).as(id).containsExactly(page));
        Map<String, TopicRecords.DeadLetter> letters = TopicRecords.deadLetters(brokers, app.property("clickstream.topic"),
                hostile.keySet(), Duration.ofSeconds(60));
        hostile.forEach((value, reason) -> assertThat(letters.get(value).reason()).as(value.substring(0,
                Math.min(80, value.length()))).contains(reason));
        System.out.printf("clickstream poison test: %d hostile records each in clickstream.dlq with its field named,"
                + " %d good records stored as sent (one of them sent twice, stored once)%n", hostile.size(), good.size());
    }

    /** event id -> the page_url of each row of this test's user. */
    private Map<String, List<String>> stored() throws Exception {
        Map<String, List<String>> rows = new HashMap<>();
        try (Connection c = app.bean(SharedConnections.DATA_SOURCE, DataSource.class).getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT event_id, page_url FROM clickstream_data WHERE user_id = ?")) {
            ps.setString(1, "u-" + marker);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return rows;
    }
}
