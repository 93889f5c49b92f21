package io.camelpipelines;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.common.SharedConnections;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each pipeline's managed bean over Jolokia, as Hawtio uses it: its attributes read, its operations run, and
 * every other operation or attribute write refused.
 */
class PipelineControlIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLICKSTREAM = "io.camelpipelines:type=pipeline,name=clickstream";
    private static final List<String> PIPELINES = List.of("clickstream", "food-orders", "crypto-prices", "product-views",
            "flights");
    private final RunningApplication app = RunningApplication.get();

    @BeforeEach
    void everyPipelineRunsAsItsFilesSay() {
        // the supervising route controller starts the routes after the context: an operator comes later
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            for (String pipeline : PIPELINES) {
                assertThat(read("io.camelpipelines:type=pipeline,name=" + pipeline, "State").asText()).as(pipeline)
                        .isEqualTo("Started");
            }
        });
    }

    @Test
    void everyPipelineHasItsBeanWithStateCountersAndLag() throws Exception {
        for (String pipeline : PIPELINES) {
            JsonNode bean = jolokia(Map.of("type", "read", "mbean", "io.camelpipelines:type=pipeline,name=" + pipeline));
            assertThat(bean.path("status").asInt()).as(bean.toString()).isEqualTo(200);
            JsonNode v = bean.path("value");
            assertThat(v.path("Pipeline").asText()).isEqualTo(pipeline);
            assertThat(v.path("State").asText()).as(pipeline).isEqualTo("Started");
            assertThat(v.path("Routes").size()).as(pipeline).isPositive();
            v.path("Routes").fieldNames().forEachRemaining(id -> assertThat(id).startsWith(pipeline + "-"));
            assertThat(v.path("RecordsIn").asLong()).isGreaterThanOrEqualTo(0);
        }
        JsonNode lag = jolokia(Map.of("type", "read", "mbean", CLICKSTREAM, "attribute", "ConsumerLag"));
        assertThat(lag.path("value").asLong()).as(lag.toString()).isGreaterThanOrEqualTo(0);
    }

    /** Stopped by an operator, the pipeline reads nothing; started again, it stores what arrived meanwhile, once. */
    @Test
    void stopAndStartOverJolokiaLoseNothing() throws Exception {
        DataSource db = app.bean(SharedConnections.DATA_SOURCE, DataSource.class);
        String page = "/control-" + UUID.randomUUID();
        JsonNode stopped = exec(CLICKSTREAM, "stop");
        assertThat(stopped.path("status").asInt()).as(stopped.toString()).isEqualTo(200);
        try {
            assertThat(read(CLICKSTREAM, "State").asText()).isEqualTo("Stopped");
            assertThat(app.context().getRouteController().getRouteStatus("clickstream-to-postgres").isStopped()).isTrue();
            List<Map.Entry<String, String>> events = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                events.add(Map.entry("s-" + i % 7, "{\"event_id\":\"control-" + UUID.randomUUID() + "\",\"session_id\":\"s-"
                        + i % 7 + "\",\"timestamp\":\"" + Instant.now() + "\",\"page_url\":\"" + page + "\"}"));
            }
            TopicRecords.send(app.property("kafka.brokers"), app.property("clickstream.topic"), events);
            // a stopped pipeline writes nothing, and its lag counts at least what was sent meanwhile
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> rows(db, page) == 0);
            assertThat(read(CLICKSTREAM, "ConsumerLag").asLong()).isGreaterThanOrEqualTo(events.size());
        } finally {
            JsonNode started = exec(CLICKSTREAM, "start");
            assertThat(started.path("status").asInt()).as(started.toString()).isEqualTo(200);
        }
        assertThat(read(CLICKSTREAM, "State").asText()).isEqualTo("Started");
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(db, page) == 200);
    }

    @Test
    void aRebuildRunsThroughTheBeanOfAPipelineThatHasOne() throws Exception {
        JsonNode done = exec("io.camelpipelines:type=pipeline,name=crypto-prices", "rebuild",
                "2026-11-21T09:00:00Z", "2026-11-21T09:10:00Z");
        assertThat(done.path("status").asInt()).as(done.toString()).isEqualTo(200);
        assertThat(done.path("value").asText()).endsWith(" candles");
        JsonNode none = exec(CLICKSTREAM, "rebuild", "a", "b");
        assertThat(none.path("error").asText()).contains("keeps no derived data");
    }

    @Test
    void anyOtherOperationAndEveryAttributeWriteIsRefused() throws Exception {
        JsonNode routeStop = exec("org.apache.camel:context=camel-pipelines,type=routes,name=\"platform-services\"", "stop");
        assertThat(routeStop.path("status").asInt()).as(routeStop.toString()).isEqualTo(403);
        JsonNode gc = exec("java.lang:type=Memory", "gc");
        assertThat(gc.path("status").asInt()).as(gc.toString()).isEqualTo(403);
        JsonNode write = jolokia(Map.of("type", "write", "mbean", CLICKSTREAM, "attribute", "LastError", "value", "x"));
        assertThat(write.path("status").asInt()).as(write.toString()).isEqualTo(403);
        assertThat(app.context().getRouteController().getRouteStatus("platform-services").isStarted()).isTrue();
    }

    private JsonNode read(String mbean, String attribute) throws Exception {
        return jolokia(Map.of("type", "read", "mbean", mbean, "attribute", attribute)).path("value");
    }

    private JsonNode exec(String mbean, String operation, Object... arguments) throws Exception {
        return jolokia(Map.of("type", "exec", "mbean", mbean, "operation", operation, "arguments", List.of(arguments)));
    }

    private JsonNode jolokia(Map<String, Object> request) throws Exception {
        var r = app.post("/observe/jolokia", JSON.writeValueAsString(request));
        return JSON.readTree(r.body());
    }

    private static long rows(DataSource db, String page) throws Exception {
        return SqlCount.of(db, "SELECT count(*) FROM clickstream_data WHERE page_url = ?", page);
    }
}
