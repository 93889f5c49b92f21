package io.camelpipelines.clickstream;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/** One click event as it travels on topic {@code clickstream} (key = session_id). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClickEvent(
        @JsonProperty("event_id") String eventId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("event_type") String eventType,
        @JsonProperty("page_url") String pageUrl,
        @JsonProperty("element_id") String elementId,
        @JsonProperty("referrer") String referrer,
        @JsonProperty("user_agent") String userAgent,
        @JsonProperty("ip") String ip,
        @JsonProperty("timestamp") Instant timestamp) implements KafkaMessages.Keyed {

    @Override
    public String kafkaKey() {
        return sessionId;
    }
}
