package io.camelpipelines.clickstream;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.common.FieldRules;
import io.camelpipelines.common.FlatJsonObject;
import io.camelpipelines.common.IsoInstants;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.RecordParser;

/**
 * Validates click events, from Kafka records and from HTTP requests alike: a JSON object with a
 * non-blank event_id and session_id and an ISO-8601 timestamp; optional text fields within limits.
 */
public class ClickEventParser implements RecordParser<ClickEvent> {

    static final int MAX_EVENT_BYTES = 16 * 1024;
    private static final int MAX_ID = 128;
    private static final int MAX_TEXT = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxEventsPerRequest;

    public ClickEventParser(int maxEventsPerRequest) {
        this.maxEventsPerRequest = maxEventsPerRequest;
    }

    @Override
    public ClickEvent parse(byte[] value) throws InvalidRecordException {
        if (value.length > MAX_EVENT_BYTES) {
            throw new InvalidRecordException("event of " + value.length + " bytes exceeds " + MAX_EVENT_BYTES);
        }
        // the streaming reader: the same checks as for a request's tree, without building a tree per record
        return fromFields(FlatJsonObject.parse(value)::text, "");
    }

    /** An HTTP request body: one event or an array of them. All valid, or the first problem found. */
    public List<ClickEvent> parseRequest(byte[] body) throws InvalidRecordException {
        if (body == null || body.length == 0) {
            throw new InvalidRecordException("empty request body");
        }
        JsonNode root = readJson(body);
        if (!root.isArray()) {
            return List.of(fromJson(root, null));
        }
        if (root.isEmpty()) {
            throw new InvalidRecordException("empty array: no events");
        }
        if (root.size() > maxEventsPerRequest) {
            throw new InvalidRecordException(root.size() + " events in one request; at most " + maxEventsPerRequest);
        }
        List<ClickEvent> events = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            events.add(fromJson(root.get(i), i));
        }
        return events;
    }

    private static JsonNode readJson(byte[] value) throws InvalidRecordException {
        try {
            return JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRecordException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidRecordException("unreadable JSON: " + e.getMessage());
        }
    }

    /** A record's text fields, as {@link FieldRules#text} reads them. */
    private interface TextFields {
        String text(String field, int maxLength) throws InvalidRecordException;
    }

    private static ClickEvent fromJson(JsonNode n, Integer index) throws InvalidRecordException {
        String where = index == null ? "" : "event " + index + ": ";
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException(where + "not a JSON object");
        }
        return fromFields((field, max) -> FieldRules.text(n, field, max), where);
    }

    private static ClickEvent fromFields(TextFields n, String where) throws InvalidRecordException {
        return new ClickEvent(
                required(n, "event_id", MAX_ID, where),
                optional(n, "user_id", MAX_ID, where),
                required(n, "session_id", MAX_ID, where),
                optional(n, "event_type", MAX_ID, where),
                optional(n, "page_url", MAX_TEXT, where),
                optional(n, "element_id", MAX_TEXT, where),
                optional(n, "referrer", MAX_TEXT, where),
                optional(n, "user_agent", MAX_TEXT, where),
                optional(n, "ip", MAX_ID, where),
                timestamp(n, where));
    }

    private static String required(TextFields n, String field, int max, String where) throws InvalidRecordException {
        String v = optional(n, field, max, where);
        if (v == null || v.isBlank()) {
            throw new InvalidRecordException(where + "missing " + field);
        }
        return v;
    }

    private static String optional(TextFields n, String field, int max, String where) throws InvalidRecordException {
        try {
            return n.text(field, max);
        } catch (InvalidRecordException e) {
            throw new InvalidRecordException(where + e.getMessage());
        }
    }

    private static Instant timestamp(TextFields n, String where) throws InvalidRecordException {
        String v = required(n, "timestamp", 64, where);
        try {
            return FieldRules.inRange(where + "timestamp", v, IsoInstants.parse(v));
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(where + "timestamp '" + v + "' is not ISO-8601 with an offset");
        }
    }
}
