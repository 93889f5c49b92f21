package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.camelpipelines.RunningApplication;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterView;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two cluster members on the application's PostgreSQL, as two instances would be: exactly one leads a namespace;
 * when the leader's connection is cut by the database (the leader still running), it stops leading before the other
 * starts to, and when the leader stops, the other leads within an interval and the takeover delay.
 */
class PostgresClusterServiceIT {

    private final RunningApplication app = RunningApplication.get();

    @Test
    void oneLeaderAtATimeAndTheOtherTakesOverWhenItStopsOrLosesItsConnection() throws Exception {
        String url = app.property("postgres.url");
        String namespace = "it-" + UUID.randomUUID();
        PostgresClusterService one = member("it-one-" + UUID.randomUUID(), url);
        PostgresClusterService two = member("it-two-" + UUID.randomUUID(), url);
        List<String> timeline = new CopyOnWriteArrayList<>();
        try {
            one.start();
            CamelClusterView viewOne = one.getView(namespace);
            viewOne.addEventListener((CamelClusterEventListener.Leadership) (v, leader) ->
                    timeline.add("one " + (v.getLocalMember().isLeader() ? "leads" : "follows")));
            await().atMost(Duration.ofSeconds(5)).until(() -> one.leads(namespace));
            two.start();
            CamelClusterView viewTwo = two.getView(namespace);
            viewTwo.addEventListener((CamelClusterEventListener.Leadership) (v, leader) ->
                    timeline.add("two " + (v.getLocalMember().isLeader() ? "leads" : "follows")));
            await().atMost(Duration.ofSeconds(5)).until(() -> two.snapshot().leaders().containsKey(namespace));
            assertThat(two.leads(namespace)).isFalse();
            assertThat(viewTwo.getLeader()).hasValueSatisfying(m -> assertThat(m.getId()).isEqualTo(one.instanceId()));
            assertThat(two.snapshot().members()).extracting(PostgresClusterService.Member::instanceId)
                    .contains(one.instanceId(), two.instanceId());
            await().atMost(Duration.ofSeconds(5)).until(() -> timeline.contains("one leads"));
            timeline.clear();

            // the database cuts the leader's connection, the leader still running: it stops leading before the
            // other one starts to
            try (Connection admin = DriverManager.getConnection(url, app.property("postgres.user"),
                    app.property("postgres.password"));
                 PreparedStatement cut = admin.prepareStatement(
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?")) {
                cut.setString(1, PostgresClusterService.APPLICATION_PREFIX + one.instanceId());
                cut.executeQuery().close();
            }
            // watched every 10 ms: never both leading; the cut one steps down; then one of them leads again
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int both = 0;
            while (System.nanoTime() < until) {
                if (one.leads(namespace) && two.leads(namespace)) {
                    both++;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            }
            assertThat(both).as("observations with both leading").isZero();
            assertThat(timeline).contains("one follows");
            await().atMost(Duration.ofSeconds(5)).until(() -> one.leads(namespace) ^ two.leads(namespace));
            if (two.leads(namespace)) {
                assertThat(timeline).containsSubsequence("one follows", "two leads");
            }

            // the leader stops: its lock is freed and the other one takes it
            PostgresClusterService leader = one.leads(namespace) ? one : two;
            PostgresClusterService other = leader == one ? two : one;
            leader.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> other.leads(namespace));
        } finally {
            one.stop();
            two.stop();
        }
    }

    private PostgresClusterService member(String id, String url) {
        return new PostgresClusterService(id, url, app.property("postgres.user"), app.property("postgres.password"),
                Duration.ofMillis(200), Duration.ofMillis(600));
    }
}
