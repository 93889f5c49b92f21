package io.camelpipelines.infra;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedInfrastructureTest {

    /** A service whose start blocks until released, then succeeds or fails. */
    static class Service implements EmbeddedService {
        final String name;
        final boolean awaited;
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean reserved;
        volatile boolean started;
        volatile boolean closed;
        volatile RuntimeException failure;

        Service(String name, boolean awaited) {
            this.name = name;
            this.awaited = awaited;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean awaitedBeforeRoutes() {
            return awaited;
        }

        @Override
        public void reserve() {
            reserved = true;
        }

        @Override
        public void start() throws Exception {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            if (failure != null) {
                throw failure;
            }
            started = true;
        }

        @Override
        public String address() {
            return name + ":1";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public Map<String, String> connectionProperties() {
            return Map.of(name + ".address", address());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void returnsOnceTheAwaitedServicesAreUpWhileTheOthersStillStart() throws Exception {
        Service kafka = new Service("kafka", true);
        Service elasticsearch = new Service("elasticsearch", false);
        kafka.release.countDown();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();

        infrastructure.start(List.of(elasticsearch, kafka));

        assertThat(kafka.started).isTrue();
        assertThat(elasticsearch.reserved).as("its address is fixed before the routes are configured").isTrue();
        assertThat(elasticsearch.started).isFalse();
        assertThat(infrastructure.describe()).extracting(r -> r.get("service")).containsExactly("elasticsearch", "kafka");
        assertThatThrownBy(() -> infrastructure.awaitStarted(Duration.ofMillis(100))).isInstanceOf(TimeoutException.class);

        elasticsearch.release.countDown();
        infrastructure.awaitStarted(Duration.ofSeconds(10));
        assertThat(elasticsearch.started).isTrue();
        infrastructure.close();
        assertThat(kafka.closed).isTrue();
        assertThat(elasticsearch.closed).isTrue();
    }

    @Test
    void aServiceFailingBehindTheRoutesIsReportedAsAStartupFailure() throws Exception {
        Service elasticsearch = new Service("elasticsearch", false);
        elasticsearch.failure = new StartupFailure("Elasticsearch exited during startup: max virtual memory areas too low");
        elasticsearch.release.countDown();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        infrastructure.start(List.of(elasticsearch));
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watch = infrastructure.stopIfOneFailsBehind(() -> stopped.set(true));

        assertThatThrownBy(() -> infrastructure.awaitStarted(Duration.ofSeconds(10)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("max virtual memory areas too low");
        watch.join(10_000);
        assertThat(stopped).as("the application is stopped").isTrue();
        assertThat(infrastructure.startFailure()).hasMessageContaining("max virtual memory areas too low");
        infrastructure.close();
    }

    @Test
    void stoppingWhileAServiceStartsBehindTheRoutesIsNoFailure() throws Exception {
        Service elasticsearch = new Service("elasticsearch", false) {
            @Override
            public void close() {
                super.close();
                failure = new StartupFailure("Elasticsearch was stopped while it started");
                release.countDown();
            }
        };
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
        infrastructure.start(List.of(elasticsearch));
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watch = infrastructure.stopIfOneFailsBehind(() -> stopped.set(true));

        infrastructure.close();
        watch.join(10_000);

        assertThat(watch.isAlive()).isFalse();
        assertThat(infrastructure.startFailure()).isNull();
        assertThat(stopped).isFalse();
    }

    @Test
    void anAwaitedServiceFailingStopsTheStartAndClosesTheOthers() {
        Service kafka = new Service("kafka", true);
        kafka.failure = new IllegalStateException("port taken");
        kafka.release.countDown();
        Service postgres = new Service("postgres", true);
        postgres.release.countDown();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();

        assertThatThrownBy(() -> infrastructure.start(List.of(kafka, postgres)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("Embedded kafka failed to start")
                .hasMessageContaining("port taken");
        assertThat(postgres.closed).isTrue();
        assertThat(infrastructure.describe()).isEmpty();
    }

    @Test
    void aFailedStartNamesWhatCausedIt() {
        Service kafka = new Service("kafka", true);
        // the chain Kafka throws when a listener cannot bind: only the innermost causes name the listener and address
        kafka.failure = new RuntimeException("Received a fatal error while waiting for all of the SocketServer Acceptors"
                + " to be started", new RuntimeException("Unable to start acceptor for ListenerName(PLAINTEXT)",
                new IllegalStateException("Socket server failed to bind to 127.0.0.1:40001: Address already in use.",
                        new java.net.BindException("Address already in use"))));
        kafka.release.countDown();
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();

        assertThatThrownBy(() -> infrastructure.start(List.of(kafka)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("Embedded kafka failed to start")
                .hasMessageContaining("Unable to start acceptor for ListenerName(PLAINTEXT)")
                .hasMessageContaining("Socket server failed to bind to 127.0.0.1:40001");
    }

    @Test
    void anAddressThatCannotBeReservedStartsNothing() {
        Service kafka = new Service("kafka", true);
        kafka.release.countDown();
        Service elasticsearch = new Service("elasticsearch", false) {
            @Override
            public void reserve() {
                throw new IllegalStateException("port 9200 taken");
            }
        };
        EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();

        // the service behind the routes is last in the plan: its reservation still comes before any start
        assertThatThrownBy(() -> infrastructure.start(List.of(kafka, elasticsearch)))
                .isInstanceOf(StartupFailure.class)
                .hasMessageContaining("port 9200 taken");
        assertThat(kafka.started).isFalse();
        assertThat(infrastructure.describe()).isEmpty();
    }
}
