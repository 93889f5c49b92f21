package io.camelpipelines;

import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.infra.EmbeddedService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A service that goes away turns its check DOWN (HTTP 503) and back UP when it returns, without a restart. */
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
}
