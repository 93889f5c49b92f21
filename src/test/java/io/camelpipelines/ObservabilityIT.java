package io.camelpipelines;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health, metrics, Jolokia and the services endpoint, over real HTTP. */
public class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();

    @Test
    void healthIsUpWithACheckPerService() throws Exception {
        // supervised routes whose source was not ready at their first attempt start on a retry
        await().atMost(java.time.Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(app.get("/observe/health").statusCode()).isEqualTo(200));
        HttpResponse<String> r = app.get("/observe/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode health = JSON.readTree(r.body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        // the services, Camel's context and its supervising route controller (registered by id, not found by a scan)
        for (String service : List.of("kafka", "postgres", "mongodb", "elasticsearch", "context", "route-controller")) {
            assertThat(check(health, service)).as(service).isNotNull();
            assertThat(check(health, service).path("status").asText()).as(service).isEqualTo("UP");
        }
    }

    public static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    @Test
    void metricsArePrometheusTextWithRouteCounters() throws Exception {
        app.get("/api/services");
        HttpResponse<String> r = app.get("/observe/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("# TYPE camel_exchanges_total counter")
                .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"platform-services\"[^}]*\\} [1-9]")
                .contains("jvm_memory_used_bytes");
        for (String pipeline : List.of("clickstream", "food-orders", "crypto-prices")) {
            for (String kind : List.of("in", "out", "dlq")) {
                assertThat(r.body()).contains("pipeline_records_" + kind + "_total{pipeline=\"" + pipeline + "\"}");
            }
        }
    }

    @Test
    void jolokiaReadsCamelMBeansButCannotInvokeOperations() throws Exception {
        HttpResponse<String> read = app.get("/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=routes,"
                + "name=%22platform-services%22/State");
        assertThat(JSON.readTree(read.body()).path("value").asText()).as(read.body()).isEqualTo("Started");

        HttpResponse<String> exec = app.post("/observe/jolokia", "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:"
                + "context=camel-pipelines,type=routes,name=\\\"platform-services\\\"\",\"operation\":\"stop()\"}");
        assertThat(JSON.readTree(exec.body()).path("status").asInt()).as(exec.body()).isEqualTo(403);
        assertThat(app.context().getRouteController().getRouteStatus("platform-services").isStarted()).isTrue();
    }

    /** A password given to the JVM with -D must not be readable over HTTP. */
    @Test
    void jolokiaDoesNotShowTheJvmsArgumentsOrSystemProperties() throws Exception {
        for (String attribute : List.of("SystemProperties", "InputArguments")) {
            HttpResponse<String> r = app.get("/observe/jolokia/read/java.lang:type=Runtime/" + attribute);
            assertThat(JSON.readTree(r.body()).path("status").asInt()).as(r.body()).isEqualTo(403);
        }
        HttpResponse<String> allowed = app.get("/observe/jolokia/read/java.lang:type=Runtime/Uptime");
        assertThat(JSON.readTree(allowed.body()).path("status").asInt()).as(allowed.body()).isEqualTo(200);
    }

    @Test
    void servicesEndpointNamesWhereEachServiceRuns() throws Exception {
        HttpResponse<String> r = app.get("/api/services");
        assertThat(r.statusCode()).isEqualTo(200);
        List<Map<String, String>> rows = JSON.readValue(r.body(),
                JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
        assertThat(rows).extracting(m -> m.get("service"))
                .containsExactlyInAnyOrder("kafka", "kafka-remote", "postgres", "mongodb", "elasticsearch");
        assertThat(rows).filteredOn(m -> m.get("service").equals("kafka")).singleElement()
                .satisfies(m -> assertThat(m.get("address")).isEqualTo(app.property("kafka.brokers")));
        assertThat(rows).filteredOn(m -> m.get("service").equals("kafka-remote")).singleElement()
                .satisfies(m -> assertThat(m.get("address")).isEqualTo(app.property("product-views.remote.brokers")))
                .satisfies(m -> assertThat(m.get("mode")).contains("SASL/PLAIN only"));
    }
}
