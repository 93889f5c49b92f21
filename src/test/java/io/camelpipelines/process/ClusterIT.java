package io.camelpipelines.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.camelpipelines.clickstream.ClickPoster;
import io.camelpipelines.foodorders.OrderWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of the shipped jar, same configuration, against one set of services (the jar's {@code services}
 * command), sharing one data directory (the lake) as two instances on one machine would. While clicks are posted to
 * both and an outside application writes orders into the captured table, the first instance, which runs every
 * singleton route, is killed with SIGKILL. The survivor must run every singleton within 15 s and own every
 * partition, no singleton may ever run on both at once, and every accepted click and committed order must be in its
 * sink exactly once.
 */
class ClusterIT {

    private static final Duration TAKEOVER = Duration.ofSeconds(15);

    @Test
    void twoInstancesShareTheWorkAndTheSurvivorTakesOverWithoutLossOrDoubles() throws Exception {
        try (ApplicationProcess services = ApplicationProcess.services("cluster-it-services", Map.of())) {
            Map<String, String> env = ApplicationProcess.readEnvFile(services.dataDir().resolve("services.env"));
            Map<String, String> common = Map.of(
                    // the sources under test are the clicks posted and the orders written by this test
                    "clickstream.simulator.enabled", "false",
                    "food-orders.simulator.enabled", "false",
                    "food-orders.lake.roll-interval", "500",
                    "food-orders.capture.commit-interval", "250",
                    "clickstream.aggregate.period", "2s");
            ApplicationProcess a = ApplicationProcess.prepare("cluster-it-a", with(common, "pipelines.instance-id", "cluster-a"));
            ApplicationProcess b = ApplicationProcess.prepare("cluster-it-b", with(with(common, "pipelines.instance-id",
                    "cluster-b"), "pipelines.data-dir", a.dataDir().toString()));
            String pages = "/cluster-" + UUID.randomUUID().toString().substring(0, 8) + "/p";
            String tag = "CLUSTER-" + UUID.randomUUID();
            ClickPoster poster = new ClickPoster(List.of(a, b), pages);
            OrderWriter writer = new OrderWriter(env.get("POSTGRES_URL"), tag);
            Set<String> singletons = new HashSet<>();
            List<Watcher> watchers = new ArrayList<>();
            try {
                a.environment(env);
                a.start(null);
                a.awaitHealthy(Duration.ofMinutes(3));
                b.environment(env);
                b.start(null);
                b.awaitHealthy(Duration.ofMinutes(3));
                b.getJson("/api/cluster").path("singletons").forEach(r -> singletons.add(r.path("route").asText()));
                assertThat(singletons).contains("clickstream-aggregate", "food-orders-capture-" + captureMode());
                Watcher watcher = new Watcher(List.of(a, b), singletons);
                watchers.add(watcher);
                new Thread(poster, "click-poster").start();
                new Thread(writer, "order-writer").start();
                new Thread(watcher, "cluster-watcher").start();

                // every singleton on the first instance; the partitions of the sinks' groups shared by both
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    JsonNode cluster = b.getJson("/api/cluster");
                    assertThat(members(cluster)).containsExactlyInAnyOrder("cluster-a", "cluster-b");
                    assertThat(cluster.path("singletons")).isNotEmpty().allSatisfy(s ->
                            assertThat(s.path("instance").asText()).as(s.toString()).isEqualTo("cluster-a"));
                    assertThat(owners(cluster, "clickstream")).containsExactlyInAnyOrder("cluster-a", "cluster-b");
                });
                await().atMost(Duration.ofMinutes(1)).until(() -> poster.accepted.size() > 2_000
                        && writer.committed.size() > 500);
                // the 2 s aggregation, counted across both instances over 20 s: ten runs, not twenty
                long runsBefore = aggregations(a) + aggregations(b);
                long window = System.nanoTime();
                await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(25)).until(() -> true);
                long runs = aggregations(a) + aggregations(b) - runsBefore;
                double expectedRuns = (System.nanoTime() - window) / 1e9 / 2;

                a.kill();
                long killed = System.nanoTime();
                await().atMost(TAKEOVER).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    JsonNode cluster = b.getJson("/api/cluster");
                    assertThat(cluster.path("singletons")).allSatisfy(s -> {
                        assertThat(s.path("instance").asText()).as(s.toString()).isEqualTo("cluster-b");
                        assertThat(s.path("here").asText()).as(s.toString()).isEqualTo("Started");
                    });
                });
                long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(owners(b.getJson("/api/cluster"), "clickstream")).containsExactly("cluster-b"));
                long partitionsMillis = (System.nanoTime() - killed) / 1_000_000;
                int acceptedAtKill = poster.accepted.size();
                await().atMost(Duration.ofMinutes(1)).until(() -> poster.accepted.size() > acceptedAtKill + 1_000);
                poster.stop.set(true);
                writer.stop.set(true);

                // clicks: every one answered 202, by either instance, is one row
                Set<String> accepted = Set.copyOf(poster.accepted.keySet());
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        ClickPoster.rowsPerEvent(env.get("POSTGRES_URL"), pages).keySet().containsAll(accepted));
                Map<String, Long> rows = ClickPoster.rowsPerEvent(env.get("POSTGRES_URL"), pages);
                long clicksLost = accepted.stream().filter(id -> !rows.containsKey(id)).count();
                long clicksDoubled = rows.values().stream().filter(n -> n > 1).count();
                // orders: every committed one is in the shared lake once
                Map<Long, java.math.BigDecimal> committed = new HashMap<>(writer.committed);
                Path lake = a.dataDir().resolve("lake/food/orders");
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        OrderWriter.lakeIds(lake, tag).keySet().containsAll(committed.keySet()));
                Map<Long, Long> inLake = OrderWriter.lakeIds(lake, tag);
                long ordersLost = committed.keySet().stream().filter(id -> !inLake.containsKey(id)).count();
                long ordersDoubled = inLake.values().stream().filter(n -> n > 1).count();

                System.out.printf("cluster test: singletons on the survivor %d ms after kill -9, every partition %d ms;"
                        + " clicks %d accepted, %d lost, %d doubled; orders %d committed, %d lost, %d doubled;"
                        + " aggregation runs in a 20 s window of the 2 s schedule: %d (%.1f ticks);"
                        + " %d observations, singletons running on both at once: %s%n", takeoverMillis,
                        partitionsMillis, accepted.size(), clicksLost, clicksDoubled, committed.size(), ordersLost,
                        ordersDoubled, runs, expectedRuns, watcher.observations, watcher.both);
                assertThat(clicksLost).as("clicks lost").isZero();
                assertThat(clicksDoubled).as("clicks doubled").isZero();
                assertThat(ordersLost).as("orders lost").isZero();
                assertThat(ordersDoubled).as("orders doubled").isZero();
                assertThat(watcher.both).as("singleton routes seen running on both instances").isEmpty();
                assertThat(watcher.observations).isGreaterThan(100);
                assertThat((double) runs).as("aggregation runs across the cluster").isBetween(expectedRuns - 2,
                        expectedRuns + 1.5);
                assertThat(b.stop(Duration.ofSeconds(120))).isZero();
            } finally {
                poster.stop.set(true);
                writer.stop.set(true);
                watchers.forEach(w -> w.stop.set(true));
                a.close();
                b.close();
            }
        }
    }

    /** Runs of the clickstream aggregation on this instance (0 where it never started). */
    private static long aggregations(ApplicationProcess app) throws Exception {
        long total = 0;
        for (JsonNode route : app.getJson("/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=routes,"
                + "name=*/RouteId,ExchangesTotal").path("value")) {
            if ("clickstream-aggregate".equals(route.path("RouteId").asText())) {
                total += route.path("ExchangesTotal").asLong();
            }
        }
        return total;
    }

    private static String captureMode() {
        return System.getProperty("app.food-orders.capture.mode", "log");
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> out = new HashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static List<String> members(JsonNode cluster) {
        List<String> out = new ArrayList<>();
        cluster.path("members").forEach(m -> out.add(m.path("instance").asText()));
        return out;
    }

    /** The instances owning partitions of the topic, in any consumer group. */
    private static Set<String> owners(JsonNode cluster, String topic) {
        Set<String> out = new HashSet<>();
        cluster.path("partitions").forEach(p -> {
            if (topic.equals(p.path("topic").asText())) {
                out.add(p.path("instance").asText());
            }
        });
        return out;
    }

    /** Reads each live instance's route states (Jolokia) every 100 ms: a singleton Started on both is a failure. */
    private static final class Watcher implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final Set<String> both = ConcurrentHashMap.newKeySet();
        volatile int observations;
        private final List<ApplicationProcess> apps;
        private final Set<String> singletons;

        Watcher(List<ApplicationProcess> apps, Set<String> singletons) {
            this.apps = apps;
            this.singletons = singletons;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                Map<String, Integer> running = new HashMap<>();
                for (ApplicationProcess app : apps) {
                    try {
                        app.routeStates().forEach((route, state) -> {
                            if (singletons.contains(route) && "Started".equals(state)) {
                                running.merge(route, 1, Integer::sum);
                            }
                        });
                    } catch (Exception | AssertionError deadOrStarting) {
                        // a killed instance runs nothing
                    }
                }
                both.addAll(running.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                        .collect(Collectors.toSet()));
                observations++;
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
            }
        }
    }
}
