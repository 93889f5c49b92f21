package io.camelpipelines.process;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.camelpipelines.infra.Ports;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Passwords given to the shipped jar (the embedded PostgreSQL's, the remote Kafka cluster's, the flight-offers API's
 * client secret, one inside an external MongoDB URI) never appear
 * in its log, /api/services, the health details, the metrics or what Jolokia shows of the JVM and of Camel's
 * endpoints: each place is read and searched for the passwords themselves.
 */
class SecretsIT {

    @Test
    void noPasswordAppearsInLogsServicesHealthMetricsOrJolokia() throws Exception {
        String pgPassword = "Pg-S3cret-" + UUID.randomUUID();
        String mongoPassword = "Mongo-S3cret-" + UUID.randomUUID();
        String kafkaPassword = "Kafka-S3cret-" + UUID.randomUUID();
        String apiSecret = "Api-S3cret-" + UUID.randomUUID();
        ApplicationProcess app = ApplicationProcess.prepare("secrets-it", Map.of(
                "postgres.embedded.password", pgPassword,
                // the remote cluster's login: the bridge and the simulator use it in a JAAS line of their endpoints
                "product-views.remote.password", kafkaPassword,
                // the flight-offers API's client secret: the client logs in with it at the first poll
                "flights.api.client-secret", apiSecret,
                "flights.api.cron", "0/2 * * * * ?",
                // an external MongoDB that is not there: its check is DOWN, and the URI with its password is in use
                "mongodb.uri", "mongodb://pipelines:" + mongoPassword + "@127.0.0.1:" + Ports.free("127.0.0.1")
                        + "/pipelines?serverSelectionTimeoutMS=1000",
                "clickstream.enabled", "false",
                "crypto-prices.enabled", "false"));
        try {
            app.start(null);
            app.awaitRoutesStarted(Duration.ofMinutes(3), "food-orders-to-lake");
            await().atMost(Duration.ofMinutes(1)).until(() -> app.logContains("streaming changes from the log")
                    || app.logContains("food-orders-capture-poll"));
            // the API source logged in with the secret and published what it found
            await().atMost(Duration.ofMinutes(1)).until(() -> app.get("/observe/metrics").body().lines()
                    .filter(l -> l.startsWith("pipeline_flights_source_api_published"))
                    .anyMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) > 0));
            Map<String, String> seen = new LinkedHashMap<>();
            for (String path : List.of("/api/services", "/observe/health", "/observe/metrics", "/api/pipelines",
                    "/api/pipelines/overview",
                    "/observe/jolokia/read/java.lang:type=Runtime",
                    "/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=context,name=*",
                    "/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=endpoints,name=*",
                    "/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=components,name=*")) {
                seen.put(path, app.get(path).body());
            }
            assertThat(seen.get("/api/services")).contains("mongodb://pipelines:***@");
            assertThat(seen.get("/observe/health")).contains("mongodb");
            assertThat(seen.get("/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=endpoints,name=*"))
                    .contains("EndpointUri");
            seen.put("log", Files.readString(app.log()));
            seen.forEach((where, text) -> {
                assertThat(text).as(where).doesNotContain(pgPassword);
                assertThat(text).as(where).doesNotContain(mongoPassword);
                assertThat(text).as(where).doesNotContain(kafkaPassword);
                assertThat(text).as(where).doesNotContain(apiSecret);
            });
            System.out.printf("secrets test: %d places read (%d characters), no password in any%n", seen.size(),
                    seen.values().stream().mapToInt(String::length).sum());
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
        }
    }
}
