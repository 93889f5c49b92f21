package io.camelpipelines.clickstream;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.camelpipelines.common.InvalidRecordException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickEventParserTest {

    private final ClickEventParser parser = new ClickEventParser(3);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesTheContractShape() throws Exception {
        ClickEvent e = parser.parse(b("{\"event_id\":\"uuid\",\"user_id\":\"u-42\",\"session_id\":\"s-9\",\"event_type\":\"click\","
                + "\"page_url\":\"/products/96672\",\"element_id\":\"buy-button\",\"referrer\":\"https://google.com\","
                + "\"user_agent\":\"UA\",\"ip\":\"203.0.113.7\",\"timestamp\":\"2026-11-21T09:00:00.123Z\"}"));
        assertThat(e).isEqualTo(new ClickEvent("uuid", "u-42", "s-9", "click", "/products/96672", "buy-button",
                "https://google.com", "UA", "203.0.113.7", Instant.parse("2026-11-21T09:00:00.123Z")));
    }

    @Test
    void acceptsAnOffsetOtherThanUtc() throws Exception {
        assertThat(parser.parse(b("{\"event_id\":\"e\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T10:00:00+01:00\"}"))
                .timestamp()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
    }

    @Test
    void namesWhatIsWrong() {
        assertReason("{\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"}", "missing event_id");
        assertReason("{\"event_id\":\" \",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"}", "missing event_id");
        assertReason("{\"event_id\":\"e\",\"timestamp\":\"2026-11-21T09:00:00Z\"}", "missing session_id");
        assertReason("{\"event_id\":\"e\",\"session_id\":\"s\"}", "missing timestamp");
        assertReason("{\"event_id\":\"e\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21 09:00\"}", "is not ISO-8601");
        assertReason("{\"event_id\":7,\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"}", "event_id must be a string");
        assertReason("{\"event_id\":", "malformed JSON");
        assertReason("\"text\"", "not a JSON object");
        assertReason("{\"event_id\":\"e\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\",\"page_url\":\""
                + "x".repeat(3000) + "\"}", "page_url longer than 2048");
        assertReason("{\"pad\":\"" + "x".repeat(ClickEventParser.MAX_EVENT_BYTES) + "\"}", "exceeds");
    }

    /**
     * A Kafka record is read with the streaming reader, a request's event from the tree: both must give the same
     * event or the same reason, for every shape of document (an array is a request of several events, not compared).
     */
    @Test
    void aRecordAndARequestOfOneEventAreReadAlike() {
        String base = "\"event_id\":\"e\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"";
        for (String json : List.of("{" + base + "}", "{" + base + ",\"user_id\":null,\"ip\":\"\\u00e9\\n\"}",
                "{" + base + ",\"nested\":{\"a\":[1,{\"b\":2}]},\"list\":[\"x\"]}", "{" + base + ",\"page_url\":{\"a\":1}}",
                "{" + base + ",\"page_url\":[1]}", "{" + base + ",\"page_url\":true}", "{" + base + ",\"page_url\":1.5}",
                "{" + base + ",\"event_id\":\"second\"}", "{" + base + ",\"event_id\":null}", "{" + base + "} trailing",
                "{" + base + ",\"page_url\":\"a\\u0000b\"}", "{" + base + ",}", "{" + base + ",\"x\":[1,}", "{" + base,
                "{}", "null", "7", "\"text\"", "", " ", "{\"event_id\":", "[1,", "\"abc", "{" + base + ",\"timestamp\":\"2026-02-30T00:00:00Z\"}",
                "{" + base + ",\"timestamp\":\"10000-01-01T00:00:00Z\"}")) {
            Object record = outcome(() -> parser.parse(b(json)));
            Object request = outcome(() -> parser.parseRequest(b(json)).get(0));
            if (json.isBlank()) {
                // a request with no body is refused before it is read: "empty request body"
                assertThat(record).as(json).isEqualTo("not a JSON object");
                continue;
            }
            assertThat(record).as(json).isEqualTo(request);
        }
    }

    private interface Parse {
        ClickEvent run() throws Exception;
    }

    private static Object outcome(Parse p) {
        try {
            return p.run();
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private void assertReason(String json, String reason) {
        assertThatThrownBy(() -> parser.parse(b(json))).isInstanceOf(InvalidRecordException.class).hasMessageContaining(reason);
    }

    @Test
    void requestsAreOneEventOrABoundedArrayAllValid() throws Exception {
        String ok = "{\"event_id\":\"e\",\"session_id\":\"s\",\"timestamp\":\"2026-11-21T09:00:00Z\"}";
        assertThat(parser.parseRequest(b(ok))).hasSize(1);
        assertThat(parser.parseRequest(b("[" + ok + "," + ok + "]"))).hasSize(2);
        assertThatThrownBy(() -> parser.parseRequest(b("[" + ok + ",{\"event_id\":\"x\"}]")))
                .hasMessage("event 1: missing session_id");
        assertThatThrownBy(() -> parser.parseRequest(b("[]"))).hasMessageContaining("no events");
        assertThatThrownBy(() -> parser.parseRequest(b("[" + String.join(",", List.of(ok, ok, ok, ok)) + "]")))
                .hasMessageContaining("at most 3");
        assertThatThrownBy(() -> parser.parseRequest(new byte[0])).hasMessageContaining("empty");
    }
}
