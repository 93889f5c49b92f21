package io.camelpipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.infra.RouteFileReloader;
import org.apache.camel.Route;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route files are watched: an edit of any of them, the Kafka -> sink files and their shared template included, is
 * live in seconds; an edit that does not parse, or whose routes do not start, is logged with its file and cause,
 * and the routes from before the edit run on.
 */
class RouteReloadIT {

    private static final int RECORDS = 50_000;
    private static final int CHUNK = 100;

    private final RunningApplication app = RunningApplication.get();
    private final RouteFileReloader reloads = app.context().hasService(RouteFileReloader.class);

    @Test
    void editsReloadAndABrokenEditLeavesTheOtherRoutesRunning() throws Exception {
        // an existing directory: the watcher registers directories at startup, new ones need a restart
        Path file = app.routesDir().resolve("platform").resolve("it-echo.camel.yaml");
        Files.writeString(file, echoRoute("first"));
        awaitEcho("first");

        Files.writeString(file, echoRoute("second"));
        awaitEcho("second");
        Route second = app.context().getRoute("it-echo");
        long unchangedBefore = reloads.getUnchangedCount();

        // saved again as it is: no event of that save may stop and re-create the route
        Files.writeString(file, echoRoute("second"));
        await().atMost(Duration.ofSeconds(30)).until(() -> reloads.getUnchangedCount() > unchangedBefore);
        long rejectedBefore = reloads.getRejectedCount();
        Files.writeString(file, "- route:\n    id: it-echo\n    from:\n      uri: platform-http:/it/echo\n      steps:\n"
                + "        - setBody: [unclosed\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> reloads.getRejectedCount() > rejectedBefore);
        assertThat(app.context().getRoute("it-echo")).as("the route was not re-created").isSameAs(second);
        assertThat(app.get("/it/echo").body()).as("the last good version keeps running").isEqualTo("second");
        assertThat(app.get("/api/services").statusCode()).isEqualTo(200);
        assertThat(app.context().getRouteController().getRouteStatus("platform-services").isStarted()).isTrue();

        Files.writeString(file, echoRoute("third"));
        awaitEcho("third");
        Files.delete(file);
    }

    /**
     * 50,000 click events flow through clickstream-to-postgres while its file (batch size), the shared template
     * (batch delay) and the aggregation's file (schedule) are edited, and a broken edit of the sink file is rejected:
     * every event is one row, none lost, and each edit was live before the last event was sent.
     */
    @Test
    void sinkTemplateAndScheduleEditsUnderLoadLoseNothing() throws Exception {
        Path sinkFile = app.routesDir().resolve("clickstream/clickstream-to-postgres.camel.yaml");
        Path templateFile = app.routesDir().resolve("common/kafka-batch-sink.camel.yaml");
        Path scheduleFile = app.routesDir().resolve("clickstream/clickstream-aggregate.camel.yaml");
        String sink = Files.readString(sinkFile);
        String template = Files.readString(templateFile);
        String schedule = Files.readString(scheduleFile);
        String pages = "/reload-" + UUID.randomUUID() + "/";
        AtomicInteger sent = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        String topic = app.property("clickstream.topic");
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> kafka = producer()) {
            // 100 events every 50 ms: 2,000/s for 25 seconds, so every edit lands while records are in flight
            producer.scheduleAtFixedRate(() -> {
                try {
                    int from = sent.get();
                    if (from >= RECORDS) {
                        return;
                    }
                    for (int i = from; i < from + CHUNK; i++) {
                        kafka.send(new ProducerRecord<>(topic, "s-" + i % 97, event(pages, i)));
                    }
                    kafka.flush();
                    sent.addAndGet(CHUNK);
                } catch (Throwable t) {
                    producerFailure.compareAndSet(null, t);
                }
            }, 0, 50, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 5_000);
            Files.writeString(sinkFile, sink.replace("value: \"{{clickstream.sink.batch-size}}\"", "value: \"777\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> uri("clickstream-to-postgres").contains("maxPollRecords=777"));
            int sentWhenSinkEdited = sent.get();

            long rejectedBefore = reloads.getRejectedCount();
            Files.writeString(sinkFile, sink.replace("      - name: pipeline\n", "      - name: component\n        value: nosuchcomponent\n      - name: pipeline\n"));
            await().atMost(Duration.ofSeconds(30)).until(() -> reloads.getRejectedCount() > rejectedBefore);
            assertThat(app.context().getRouteController().getRouteStatus("clickstream-to-postgres").isStarted())
                    .as("the route from before the broken edit runs on").isTrue();
            assertThat(uri("clickstream-to-postgres")).contains("maxPollRecords=777");
            // the fix: while a file is broken, a template edit would re-create its route from it, and is refused too
            Files.writeString(sinkFile, sink.replace("value: \"{{clickstream.sink.batch-size}}\"", "value: \"778\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> uri("clickstream-to-postgres").contains("maxPollRecords=778"));

            Files.writeString(templateFile, template.replace("batchingIntervalMs: \"{{maxDelayMs}}\"", "batchingIntervalMs: 120"));
            await().atMost(Duration.ofSeconds(30)).until(() -> uri("clickstream-to-postgres").contains("batchingIntervalMs=120")
                    && uri("crypto-prices-to-postgres").contains("batchingIntervalMs=120"));
            int sentWhenTemplateEdited = sent.get();

            Files.writeString(scheduleFile, schedule.replace("\"{{ms:clickstream.aggregate.period}}\"", "1500"));
            await().atMost(Duration.ofSeconds(30)).until(() -> uri("clickstream-aggregate").contains("repeatInterval=1500"));
            int sentWhenScheduleEdited = sent.get();

            await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= RECORDS || producerFailure.get() != null);
            assertThat(producerFailure.get()).isNull();
            assertThat(List.of(sentWhenSinkEdited, sentWhenTemplateEdited, sentWhenScheduleEdited))
                    .as("every edit was live while events were still being sent").allMatch(n -> n < RECORDS);

            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(rows(pages)).isEqualTo(RECORDS));
            assertThat(distinctRows(pages)).isEqualTo(RECORDS);
            assertThat(app.context().getRouteController().getRouteStatus("clickstream-aggregate").isStarted()).isTrue();
        } finally {
            producer.shutdownNow();
            Files.writeString(sinkFile, sink);
            Files.writeString(templateFile, template);
            Files.writeString(scheduleFile, schedule);
            await().atMost(Duration.ofSeconds(30)).until(() -> !uri("clickstream-to-postgres").contains("batchingIntervalMs=120")
                    && !uri("clickstream-to-postgres").contains("maxPollRecords=77")
                    && !uri("clickstream-aggregate").contains("repeatInterval=1500"));
        }
    }

    @Test
    void theWatcherIsTheOneThatKnowsTemplates() {
        assertThat(app.context().hasService(RouteWatcherReloadStrategy.class)).isInstanceOf(RouteFileReloader.class);
    }

    private String uri(String routeId) {
        Route route = app.context().getRoute(routeId);
        return route == null ? "" : route.getEndpoint().getEndpointUri();
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, app.property("kafka.brokers"),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    /** The contract's event, written here rather than by the generator under test. */
    private static String event(String pages, int i) {
        Instant at = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).plusMillis(i % 60_000);
        return "{\"event_id\":\"reload-" + pages.hashCode() + "-" + i + "\",\"user_id\":\"u-" + i % 311
                + "\",\"session_id\":\"s-" + i % 97 + "\",\"event_type\":\"click\",\"page_url\":\"" + pages + i % 13
                + "\",\"element_id\":\"buy\",\"referrer\":\"https://example.com\",\"user_agent\":\"it\",\"ip\":\"203.0.113.7\","
                + "\"timestamp\":\"" + at + "\"}";
    }

    private long rows(String pages) throws Exception {
        return count("SELECT count(*) FROM clickstream_data WHERE page_url LIKE ?", pages);
    }

    private long distinctRows(String pages) throws Exception {
        return count("SELECT count(DISTINCT event_id) FROM clickstream_data WHERE page_url LIKE ?", pages);
    }

    private long count(String sql, String pages) throws Exception {
        return SqlCount.of(app.bean(SharedConnections.DATA_SOURCE, DataSource.class), sql, pages + "%");
    }

    private static String echoRoute(String reply) {
        return "- route:\n    id: it-echo\n    from:\n      uri: platform-http:/it/echo\n      steps:\n"
                + "        - setBody:\n            constant: " + reply + "\n";
    }

    private void awaitEcho(String reply) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/it/echo").body()).isEqualTo(reply));
    }
}
