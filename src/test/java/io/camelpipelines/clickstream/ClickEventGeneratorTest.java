package io.camelpipelines.clickstream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClickEventGeneratorTest {

    @Test
    void eventsAreValidAndLookLikeBrowsingSessions() throws Exception {
        List<ClickEvent> events = new ClickEventGenerator(100, 1000).next(5_000);
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ClickEventParser parser = new ClickEventParser(10);
        for (ClickEvent e : events) {
            assertThat(parser.parse(json.writeValueAsString(e).getBytes(StandardCharsets.UTF_8))).isEqualTo(e);
        }
        assertThat(events.stream().map(ClickEvent::eventId).distinct()).hasSize(5_000);
        Map<String, List<ClickEvent>> sessions = events.stream().collect(Collectors.groupingBy(ClickEvent::sessionId));
        assertThat(sessions.size()).isBetween(100, 2_000);
        sessions.values().forEach(s -> assertThat(s.stream().map(ClickEvent::userId).distinct()).hasSize(1));
        assertThat(events.stream().map(ClickEvent::pageUrl).distinct().count()).isGreaterThan(50);
        assertThat(events.stream().filter(e -> e.referrer() == null).count()).isBetween(500L, 2_000L);
    }
}
