package io.camelpipelines;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.infra.EmbeddedService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service that goes away turns its check DOWN (HTTP 503) and back UP when it returns, without a restart of the
 * application; an embedded child process that dies is brought back by the application itself.
 */
class HealthRecoveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RunningApplication app = RunningApplication.get();

    @Test
    void mongodbGoingAwayAndComingBack() throws Exception {
        EmbeddedService mongo = app.infrastructure().service("mongodb");
        mongo.close();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> r = app.get("/observe/health");
                assertThat(r.statusCode()).isEqualTo(503);
                JsonNode check = ObservabilityIT.check(JSON.readTree(r.body()), "mongodb");
                assertThat(check.path("status").asText()).isEqualTo("DOWN");
                assertThat(ObservabilityIT.check(JSON.readTree(r.body()), "kafka").path("status").asText()).isEqualTo("UP");
            });
        } finally {
            mongo.start();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            HttpResponse<String> r = app.get("/observe/health");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(ObservabilityIT.check(JSON.readTree(r.body()), "mongodb").path("status").asText()).isEqualTo("UP");
        });
    }

    @Test
    void elasticsearchKilledHardIsRestartedByTheApplication() throws Exception {
        io.camelpipelines.infra.ElasticsearchNode es = (io.camelpipelines.infra.ElasticsearchNode)
                app.infrastructure().service("elasticsearch");
        int restartsBefore = es.restarts();
        ProcessHandle node = es.processHandle().orElseThrow();
        // the server JVM itself, as an out-of-memory kill or an operator's kill -9 would hit it
        node.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> r = app.get("/observe/health");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(ObservabilityIT.check(JSON.readTree(r.body()), "elasticsearch").path("status").asText())
                    .isEqualTo("DOWN");
        });
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            HttpResponse<String> r = app.get("/observe/health");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        });
        assertThat(es.restarts()).isEqualTo(restartsBefore + 1);
        // the node it started again runs with the configured JVM options, as the first one did
        java.util.List<String> options = java.util.List.of(app.property("elasticsearch.embedded.jvm-options").trim().split("\\s+"));
        assertThat(options).as("elasticsearch.embedded.jvm-options").isNotEmpty().allMatch(o -> o.startsWith("-XX:"));
        assertThat(serverJvmArguments(es)).containsAll(options);
    }

    private static java.util.List<String> serverJvmArguments(io.camelpipelines.infra.ElasticsearchNode es) {
        return es.processHandle().orElseThrow().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .map(p -> java.util.List.of(p.info().arguments().orElse(new String[0])))
                .filter(args -> args.contains("org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch"))
                .findFirst().orElseThrow(() -> new AssertionError("no Elasticsearch server JVM under " + es.processHandle()));
    }
}
