package io.camelpipelines.productviews;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.camelpipelines.TopicRecords;
import io.camelpipelines.infra.KafkaBroker;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while its simulator writes views to the remote (SASL) cluster,
 * restarted on the same data directory each time, then once more without the simulator. The embedded MongoDB
 * starts empty at every start and is refilled from the local topic; at the end every view on the remote topic is
 * one document.
 */
class ProductViewsCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesUnderLoadEveryViewOfTheRemoteTopicIsOneDocument() throws Exception {
        int mongoPort = Ports.free("127.0.0.1");
        int remotePort = Ports.free("127.0.0.1");
        String password = "crash-" + UUID.randomUUID();
        ApplicationProcess app = ApplicationProcess.prepare("product-views-crash-it", Map.of(
                "mongodb.embedded.port", String.valueOf(mongoPort),
                "product-views.remote.embedded.port", String.valueOf(remotePort),
                "product-views.remote.password", password,
                "product-views.simulator.rate", "400",
                // every view of the topic must be stored: no count bound on the store (its own test is in ProductViewsIT)
                "product-views.store.max-views", "0",
                // only the pipeline under test
                "clickstream.enabled", "false",
                "food-orders.enabled", "false",
                "crypto-prices.enabled", "false"));
        String remoteBrokers = "127.0.0.1:" + remotePort;
        Map<String, Object> remoteSecurity = KafkaBroker.clientSecurity("product-views-bridge", password);
        try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + mongoPort);
             TopicRecords.EndOffsets produced = new TopicRecords.EndOffsets(remoteBrokers, "product_views", remoteSecurity)) {
            var views = mongo.getDatabase("kafka_data_db").getCollection("product_views_records");
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            // progress: the views the simulator wrote to the remote topic, which only grows. Not the documents: the
            // in-memory MongoDB refills from the local topic after each restart, a jump that is not new load
            app.killAndRestart("product-views crash test", KILLS, () -> (int) produced.sum(), 2_000);
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
            app.set("product-views.simulator.enabled", "false");
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));

            Map<String, Integer> remote = viewsInTopic(remoteBrokers, "product_views", remoteSecurity);
            long records = remote.values().stream().mapToLong(Integer::longValue).sum();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(views) >= remote.size());
            Set<String> stored = new HashSet<>();
            views.find().projection(new Document("_id", 1)).forEach(d -> stored.add(d.getString("_id")));
            long lost = remote.keySet().stream().filter(id -> !stored.contains(id)).count();
            long unknown = stored.stream().filter(id -> !remote.containsKey(id)).count();
            long documents = views.countDocuments();
            System.out.printf("product-views crash test: %d kills, %d views on the remote topic (%d sent more than once),"
                    + " %d documents, %d lost, %d not from the topic%n", KILLS, remote.size(),
                    remote.values().stream().filter(n -> n > 1).count(), documents, lost, unknown);
            assertThat(lost).as("views of the remote topic missing from MongoDB").isZero();
            assertThat(unknown).as("documents that never were on the remote topic").isZero();
            assertThat(documents).as("one document per view").isEqualTo(remote.size());
            assertThat(records).as("views written under load, 2,000 or more between kills")
                    .isGreaterThanOrEqualTo(2_000L * (KILLS + 1));
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            app.close();
        }
    }

    private static int count(com.mongodb.client.MongoCollection<Document> views) {
        try {
            return (int) views.countDocuments();
        } catch (RuntimeException notUp) {
            return 0;
        }
    }

    /** Every view id on the remote topic -> how many times it is there. */
    private static Map<String, Integer> viewsInTopic(String brokers, String topic, Map<String, Object> security) {
        return TopicRecords.countAll(brokers, topic, security, value -> {
            try {
                return JSON.readTree(value).path("id").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
