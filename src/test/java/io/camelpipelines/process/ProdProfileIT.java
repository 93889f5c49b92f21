package io.camelpipelines.process;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.infra.HawtioConsole;
import io.camelpipelines.infra.TrustedCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Profile {@code prod}, as an operator runs it, against services secured the way production runs them: the jar's
 * {@code services} command with pipelines.embedded.security=true (Kafka: SASL/PLAIN over TLS only; Elasticsearch:
 * HTTPS with its own CA and basic auth; PostgreSQL: SCRAM passwords), then the jar with CAMEL_MAIN_PROFILE=prod and
 * nothing but the environment variables of the services.env file the first one wrote. Every pipeline delivers,
 * what arrived is read back through the secured services with those credentials, a wrong or missing credential is
 * refused, the topics carry the configured partitions, and no secret reaches either log.
 */
class ProdProfileIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PIPELINES = List.of("clickstream", "food-orders", "crypto-prices", "product-views",
            "flights");
    private static ApplicationProcess services;
    private static ApplicationProcess app;
    private static Map<String, String> env;
    private static final String HTTP_USER = "operator";
    private static final String HTTP_PASSWORD = "http-" + java.util.UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        services = ApplicationProcess.services("prod-profile-it-services", Map.of("pipelines.embedded.security", "true"));
        Path envFile = services.dataDir().resolve("services.env");
        assertThat(Files.getPosixFilePermissions(envFile)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        env = ApplicationProcess.readEnvFile(envFile);
        assertThat(env).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsKeys("KAFKA_PASSWORD", "ELASTICSEARCH_PASSWORD", "POSTGRES_PASSWORD", "PRODUCT_VIEWS_REMOTE_PASSWORD");
        assertThat(env.get("ELASTICSEARCH_HOSTS")).startsWith("https://");

        app = ApplicationProcess.prepare("prod-profile-it-app", Map.of());
        Map<String, String> e = new HashMap<>(env);
        e.put("CAMEL_MAIN_PROFILE", "prod");
        // one embedded broker where compose runs three: the replication settings are the only ones changed
        e.put("KAFKA_TOPICS_REPLICATION_FACTOR", "1");
        e.put("KAFKA_TOPICS_MIN_INSYNC_REPLICAS", "1");
        e.put("KAFKA_TOPIC_CLICKSTREAM_PARTITIONS", "3");
        // prod listens on 0.0.0.0: without a user for its own HTTP port it does not start (shown below)
        e.put("PIPELINES_HTTP_USERNAME", HTTP_USER);
        e.put("PIPELINES_HTTP_PASSWORD", HTTP_PASSWORD);
        app.environment(e);
        app.credentials(HTTP_USER, HTTP_PASSWORD);
        app.start(null);
        app.awaitHealthy(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (services != null) {
            services.close();
        }
    }

    @Test
    void nothingIsEmbeddedAndEveryServiceIsHealthyThroughItsSecurity() throws Exception {
        assertThat(app.getJson("/api/services")).allSatisfy(row ->
                assertThat(row.path("mode").asText()).as(row.toString()).isEqualTo("external"));
        JsonNode health = JSON.readTree(app.get("/observe/health").body());
        for (String service : List.of("kafka", "postgres", "mongodb", "elasticsearch")) {
            assertThat(health.path("checks").findValues("name").stream().map(JsonNode::asText)).contains(service);
        }
        health.path("checks").forEach(c -> assertThat(c.path("status").asText()).as(c.toString()).isEqualTo("UP"));
    }

    @Test
    void everyPipelineDeliversAndItsDataIsReadBackThroughTheSecuredServices() throws Exception {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode counters = app.getJson("/api/pipelines");
            for (String p : PIPELINES) {
                assertThat(counters.path(p).path("out").asLong()).as(p + " out: " + counters).isPositive();
            }
        });

        // Elasticsearch: the clickstream index, over HTTPS with the CA and the user; without the user: 401
        HttpClient https = HttpClient.newBuilder().sslContext(TrustedCertificates.sslContext(
                Path.of(env.get("ELASTICSEARCH_CA_CERTIFICATE")))).connectTimeout(Duration.ofSeconds(5)).build();
        URI count = URI.create(env.get("ELASTICSEARCH_HOSTS") + "/click_events/_count");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> JSON.readTree(https.send(
                HttpRequest.newBuilder(count).header("Authorization", basic(env.get("ELASTICSEARCH_USERNAME"),
                        env.get("ELASTICSEARCH_PASSWORD"))).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("count").asLong() > 0);
        assertThat(https.send(HttpRequest.newBuilder(count).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .isEqualTo(401);
        assertThat(https.send(HttpRequest.newBuilder(count).header("Authorization", basic(env.get("ELASTICSEARCH_USERNAME"),
                "wrong")).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

        // PostgreSQL: the ticks, with the password; a wrong one is refused
        try (Connection c = DriverManager.getConnection(env.get("POSTGRES_URL"), env.get("POSTGRES_USER"),
                env.get("POSTGRES_PASSWORD")); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM stock.real_time_prices")) {
            rs.next();
            assertThat(rs.getLong(1)).isPositive();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(env.get("POSTGRES_URL"), env.get("POSTGRES_USER"), "wrong")
                .close()).isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");

        // Kafka: the topics as configured (clickstream given 3 partitions by its own property, each with a .dlq)
        try (Admin admin = Admin.create(kafka(env.get("KAFKA_PASSWORD")))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("clickstream", "clickstream.dlq",
                    "food_orders_raw")).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.get("clickstream").partitions()).hasSize(3);
            assertThat(topics.get("clickstream.dlq").partitions()).hasSize(3);
            assertThat(topics.get("food_orders_raw").partitions()).hasSize(4);
        }
        try (Admin wrong = Admin.create(kafka("wrong"))) {
            assertThatThrownBy(() -> wrong.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void itsOwnHttpPortAsksForTheOperatorBeyondLocalhost() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String path : List.of("/api/pipelines", "/api/services", "/dashboard", "/observe/jolokia/version",
                "/observe/metrics", "/api/dlq/clickstream/replay")) {
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(app.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Basic realm="));
            assertThat(client.send(HttpRequest.newBuilder(app.uri(path)).header("Authorization",
                    basic(HTTP_USER, "wrong")).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .as(path).isEqualTo(401);
        }
        assertThat(client.send(HttpRequest.newBuilder(app.uri("/api/clicks")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[]")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(401);
        // with the user, everything answers; the probes are open to a load balancer or Kubernetes without it
        assertThat(app.get("/observe/jolokia/version").statusCode()).isEqualTo(200);
        assertThat(app.get("/dashboard/").statusCode()).isEqualTo(200);
        assertThat(client.send(HttpRequest.newBuilder(app.uri("/observe/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }

    @Test
    void hawtioReachesTheAuthenticatedApplicationThroughItsRelay() throws Exception {
        int port = io.camelpipelines.infra.Ports.free("127.0.0.1");
        // what `java -jar camel-pipelines.jar hawtio` builds from PIPELINES_HTTP_USERNAME / PASSWORD in its environment
        try (HawtioConsole console = HawtioConsole.start(new HawtioConsole.Settings("127.0.0.1", port, "127.0.0.1",
                app.httpPort(), "/observe/jolokia", null, null, HTTP_USER, HTTP_PASSWORD))) {
            HttpClient client = HttpClient.newHttpClient();
            String page = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains("/jolokia-relay").doesNotContain(HTTP_PASSWORD);
            HttpResponse<String> read = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/jolokia-relay/read/io.camelpipelines:type=pipeline,name=clickstream/RecordsOut")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(JSON.readTree(read.body()).path("value").asLong()).as(read.body()).isPositive();
            // still Jolokia's allow-list behind it: writing an attribute is refused
            HttpResponse<String> write = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/jolokia-relay/")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                    .ofString("{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\","
                            + "\"value\":true}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(write.body()).path("status").asInt()).as(write.body()).isEqualTo(403);
        }
    }

    @Test
    void withoutAUserForItsHttpPortProdDoesNotStart() throws Exception {
        try (ApplicationProcess open = ApplicationProcess.prepare("prod-profile-it-no-user", Map.of())) {
            Map<String, String> e = new HashMap<>(env);
            e.put("CAMEL_MAIN_PROFILE", "prod");
            open.environment(e);
            open.start(null);
            assertThat(open.process().waitFor(2, TimeUnit.MINUTES)).as("exited").isTrue();
            assertThat(open.process().exitValue()).isEqualTo(2);
            assertThat(open.logContains("set PIPELINES_HTTP_USERNAME and PIPELINES_HTTP_PASSWORD")).as(open.tail(20))
                    .isTrue();
        }
    }

    @Test
    void noSecretReachesEitherLog() throws Exception {
        String logs = Files.readString(app.log(), StandardCharsets.UTF_8) + Files.readString(services.log(),
                StandardCharsets.UTF_8);
        env.forEach((name, value) -> {
            if (name.endsWith("PASSWORD")) {
                assertThat(logs).as(name).doesNotContain(value);
            }
        });
        assertThat(logs).doesNotContain(HTTP_PASSWORD);
        assertThat(app.get("/api/services").body() + app.get("/observe/health").body()).doesNotContain(HTTP_PASSWORD,
                env.get("KAFKA_PASSWORD"), env.get("POSTGRES_PASSWORD"), env.get("ELASTICSEARCH_PASSWORD"));
    }

    private static Map<String, Object> kafka(String password) {
        return Map.of("bootstrap.servers", env.get("KAFKA_BROKERS"), "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required username=\"" + env.get("KAFKA_USERNAME") + "\" password=\"" + password + "\";",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                "default.api.timeout.ms", 20_000, "request.timeout.ms", 10_000);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
