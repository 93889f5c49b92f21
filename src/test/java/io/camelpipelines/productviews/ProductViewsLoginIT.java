package io.camelpipelines.productviews;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.infra.Directories;
import io.camelpipelines.infra.KafkaBroker;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar given the wrong password for product-views' remote cluster (a SASL/PLAIN broker this test runs):
 * the refusal is one ERROR line naming the cluster and the property, clickstream keeps storing events meanwhile, and
 * once the cluster accepts that password (the account fixed on the cluster's side) the bridge, which kept retrying,
 * forwards every view waiting on the remote topic once, without a restart.
 */
class ProductViewsLoginIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VIEWS = 300;

    @Test
    void aWrongPasswordIsOneClearLineAndTheBridgeRecoversWhenTheClusterAcceptsIt() throws Exception {
        String user = "product-views-bridge";
        String clusterPassword = "right-" + UUID.randomUUID();
        String appPassword = "wrong-" + UUID.randomUUID();
        int remotePort = Ports.free("127.0.0.1");
        int kafkaPort = Ports.free("127.0.0.1");
        Path remoteLog = Path.of("target", "product-views-login-it-remote").toAbsolutePath();
        Directories.delete(remoteLog);
        KafkaBroker remote = remoteCluster(remotePort, remoteLog, user, clusterPassword);
        ApplicationProcess app = ApplicationProcess.prepare("product-views-login-it", Map.of(
                "kafka.embedded.port", String.valueOf(kafkaPort),
                "mongodb.embedded.port", String.valueOf(Ports.free("127.0.0.1")),
                "product-views.remote.brokers", remote.bootstrap(),
                "product-views.remote.password", appPassword,
                "product-views.simulator.enabled", "false",
                // clickstream stands for "the rest of the application"
                "food-orders.enabled", "false",
                "crypto-prices.enabled", "false"));
        try {
            List<String> ids = new ArrayList<>();
            List<Map.Entry<String, String>> records = new ArrayList<>();
            long now = Instant.now().getEpochSecond();
            for (int i = 0; i < VIEWS; i++) {
                String id = "login-" + i + "-" + UUID.randomUUID();
                ids.add(id);
                records.add(Map.entry("p" + i % 7, JSON.writeValueAsString(Map.of("id", id, "product_id", "p" + i % 7,
                        "time_stamp", now - i, "store_id", i % 5, "device_id", "d" + i % 11,
                        "referrer_url", "https://www.google.com/", "option", List.of()))));
            }
            TopicRecords.send(remote.bootstrap(), "product_views", records, KafkaBroker.clientSecurity(user, clusterPassword));

            app.start(null);
            app.awaitRoutesStarted(Duration.ofMinutes(3), "product-views-bridge", "clickstream-to-postgres");
            await().atMost(Duration.ofMinutes(1)).until(() -> app.logContains("refused the login"));
            // the rest of the application keeps running meanwhile, and the bridge keeps trying
            long clicks = clickstreamOut(app);
            await().atMost(Duration.ofMinutes(1)).until(() -> clickstreamOut(app) > clicks + 100);
            List<String> log = Files.readAllLines(app.log());
            List<String> refusals = log.stream().filter(l -> l.contains("refused the login")).toList();
            assertThat(refusals).hasSize(1);
            assertThat(refusals.get(0)).contains("ERROR", "remote Kafka cluster", remote.bootstrap(), user,
                    "product-views.remote.password", "PRODUCT_VIEWS_REMOTE_PASSWORD");
            assertThat(log).noneMatch(l -> l.contains("failed authentication") || l.contains("caught by thread"));
            assertThat(String.join("\n", log)).doesNotContain(appPassword);

            // the account is fixed on the cluster's side: it now accepts the password the application has
            remote.close();
            remote = remoteCluster(remotePort, remoteLog, user, appPassword);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    forwarded(kafkaPort).keySet().containsAll(ids));
            Map<String, Integer> forwarded = forwarded(kafkaPort);
            assertThat(ids).allSatisfy(id -> assertThat(forwarded.get(id)).as(id).isEqualTo(1));
            assertThat(forwarded).hasSize(VIEWS);
            assertThat(app.logContains("answers again")).isTrue();
            System.out.printf("product-views login test: 1 refusal line, %d views forwarded once each after the fix%n",
                    forwarded.size());
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
            remote.close();
        }
    }

    private static KafkaBroker remoteCluster(int port, Path log, String user, String password) throws Exception {
        KafkaBroker broker = new KafkaBroker("remote-login-it", 7, "127.0.0.1", port, 0, 2, log,
                new KafkaBroker.Sasl("remote.brokers", user, "remote.password", password));
        broker.start();
        return broker;
    }

    /** Every view id on the application's local processed_product_views -> how many times it is there. */
    private static Map<String, Integer> forwarded(int kafkaPort) {
        return TopicRecords.countAll("127.0.0.1:" + kafkaPort, "processed_product_views", Map.of(), value -> {
            try {
                return JSON.readTree(value).path("id").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static long clickstreamOut(ApplicationProcess app) throws Exception {
        return app.getJson("/api/pipelines").path("clickstream").path("out").asLong();
    }
}
