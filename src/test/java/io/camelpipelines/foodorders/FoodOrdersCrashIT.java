package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.camelpipelines.infra.Ports;
import io.camelpipelines.process.ApplicationProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped jar killed with SIGKILL three times while an outside application keeps writing orders into its
 * PostgreSQL (and stays connected across the kills, as the source database of a capture would), then restarted
 * on the same data directory each time. Every order whose INSERT committed must be in the lake exactly once.
 */
class FoodOrdersCrashIT {

    private static final int KILLS = Integer.getInteger("crash.kills", 3);

    @Test
    void killedThreeTimesWithAWriterConnectedEveryCommittedOrderIsInTheLakeOnce() throws Exception {
        int pgPort = Ports.free("127.0.0.1");
        ApplicationProcess app = ApplicationProcess.prepare("food-orders-crash-it", Map.of(
                "postgres.embedded.port", String.valueOf(pgPort),
                // only the pipeline under test: the others' sources would only compete for the two cores
                "clickstream.enabled", "false",
                "crypto-prices.enabled", "false",
                "product-views.enabled", "false",
                "food-orders.simulator.enabled", "false",
                "food-orders.lake.roll-interval", "500",
                "food-orders.capture.commit-interval", "250"));
        String tag = "CRASH-" + UUID.randomUUID();
        OrderWriter writer = new OrderWriter("jdbc:postgresql://127.0.0.1:" + pgPort + "/pipelines", tag);
        try {
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            Thread t = new Thread(writer, "outside-writer");
            t.start();
            app.killAndRestart("food-orders crash test", KILLS, () -> writer.committed.size(), 300);
            writer.stop.set(true);
            t.join(60_000);
            Map<Long, BigDecimal> committed = new HashMap<>(writer.committed);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag).keySet().containsAll(committed.keySet()));
            Map<Long, Long> inLake = OrderWriter.lakeIds(app.dataDir().resolve("lake/food/orders"), tag);
            long doubled = inLake.values().stream().filter(n -> n > 1).count();
            long lost = committed.keySet().stream().filter(id -> !inLake.containsKey(id)).count();
            Set<Long> unknown = inLake.keySet().stream().filter(id -> !committed.containsKey(id)).collect(Collectors.toSet());
            System.out.printf("food-orders crash test: %d kills, %d orders committed by the writer (%d failed and were"
                    + " retried), %d in the lake, %d lost, %d doubled%n", KILLS, committed.size(), writer.failures.get(),
                    inLake.size(), lost, doubled);
            assertThat(lost).as("orders lost").isZero();
            assertThat(doubled).as("orders doubled").isZero();
            // a commit whose acknowledgement the kill swallowed may be in the table and the lake: it must be in the table
            for (Long id : unknown) {
                assertThat(existsInTable(pgPort, id)).as("order " + id + " is in the lake but not in the table").isTrue();
            }
            assertThat(app.stop(Duration.ofSeconds(120))).isZero();
        } finally {
            writer.stop.set(true);
            app.close();
        }
    }

    private static boolean existsInTable(int port, long id) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/pipelines", "pipelines",
                "pipelines"); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM orders WHERE order_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
