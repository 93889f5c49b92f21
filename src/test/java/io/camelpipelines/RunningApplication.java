package io.camelpipelines;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.camelpipelines.infra.Directories;
import io.camelpipelines.infra.EmbeddedInfrastructure;
import io.camelpipelines.infra.Ports;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import static org.awaitility.Awaitility.await;

/**
 * The whole application, started once per test JVM exactly as {@code java -jar} starts it (same
 * configuration files, same embedded Kafka, PostgreSQL, MongoDB and Elasticsearch), but on free ports,
 * with its state in a fresh directory under target/ and a copy of routes/ that tests may edit.
 */
public final class RunningApplication {

    private static final String APP_PREFIX = "app.";
    private static RunningApplication instance;

    private final Path workDir;
    private final int httpPort;
    private final Main main;
    private final EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure();
    private final HttpClient http = HttpClient.newHttpClient();

    private RunningApplication(String directory, Map<String, String> extraOverrides) throws Exception {
        workDir = Files.createDirectories(Path.of("target", directory).toAbsolutePath());
        Directories.delete(workDir.resolve("data"));
        Directories.delete(workDir.resolve("routes"));
        Directories.copy(Path.of("routes"), workDir.resolve("routes"));
        httpPort = Ports.free("127.0.0.1");
        main = Application.newMain(ConfigFiles.resolve(Map.of(), new Properties()), infrastructure);
        Map<String, String> overrides = Map.ofEntries(
                Map.entry("pipelines.data-dir", workDir.resolve("data").toString()),
                Map.entry("kafka.embedded.port", "0"),
                Map.entry("product-views.remote.embedded.port", "0"),
                Map.entry("postgres.embedded.port", "0"),
                Map.entry("mongodb.embedded.port", "0"),
                Map.entry("elasticsearch.embedded.port", "0"),
                Map.entry("camel.server.port", String.valueOf(httpPort)),
                Map.entry("camel.management.port", String.valueOf(httpPort)),
                Map.entry("camel.main.routes-include-pattern", "file:" + workDir.resolve("routes") + "/**/*.camel.yaml"),
                Map.entry("camel.main.routes-reload-directory", workDir.resolve("routes").toString()),
                // tests count exactly what they send; the simulators are started by the tests that need them
                Map.entry("camel.main.shutdown-timeout", "10"),
                Map.entry("clickstream.simulator.enabled", "false"),
                Map.entry("clickstream.aggregate.period", "1000"),
                // smaller than what one test indexes, so every run goes through several bulk requests
                Map.entry("clickstream.aggregate.chunk-size", "13"),
                Map.entry("food-orders.simulator.enabled", "false"),
                Map.entry("product-views.simulator.enabled", "false"),
                Map.entry("flights.simulator.enabled", "false"),
                Map.entry("flights.console.from", "earliest"),
                // the API and page sources run when FlightsIT starts them, then every 2 seconds
                Map.entry("flights.api.enabled", "false"),
                Map.entry("flights.pages.enabled", "false"),
                Map.entry("flights.api.cron", "0/2 * * * * ?"),
                Map.entry("flights.pages.cron", "0/2 * * * * ?"),
                Map.entry("flights.pages.polite-delay", "20ms"),
                Map.entry("flights.api.backoff", "100ms"),
                Map.entry("food-orders.poll.interval", "500"),
                // smaller than the groups of rows sharing a created_at, so ties straddle polls
                Map.entry("food-orders.poll.batch-size", "7"),
                Map.entry("food-orders.poll.delay", "0s"),
                Map.entry("food-orders.capture.commit-interval", "250"),
                Map.entry("food-orders.lake.roll-interval", "500"));
        overrides.forEach(main::addOverrideProperty);
        extraOverrides.forEach(main::addOverrideProperty);
        // a second test run with another configuration (-Dapp.food-orders.capture.mode=poll)
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(APP_PREFIX))
                .forEach(k -> main.addOverrideProperty(k.substring(APP_PREFIX.length()), System.getProperty(k)));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                main.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "application-under-test");
        runner.setDaemon(true);
        runner.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (failure.get() != null) {
                throw new IllegalStateException("The application failed to start", failure.get());
            }
            CamelContext c = main.getCamelContext();
            return c != null && c.isStarted();
        });
        // Elasticsearch boots behind the routes; the tests start once everything is up
        infrastructure.awaitStarted(Duration.ofMinutes(3));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.completed();
            try {
                runner.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            infrastructure.close();
        }, "application-under-test-stop"));
    }

    /** The application the integration tests share: started by the first test that asks. */
    public static synchronized RunningApplication get() {
        if (instance == null) {
            instance = start("it-run", Map.of());
        }
        return instance;
    }

    /** A fresh application with its state in target/&lt;directory&gt; and these properties on top. */
    public static RunningApplication start(String directory, Map<String, String> overrides) {
        try {
            return new RunningApplication(directory, overrides);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public EmbeddedInfrastructure infrastructure() {
        return infrastructure;
    }

    /** Where the application keeps its state (Kafka log, PostgreSQL, Elasticsearch, the lake). */
    public Path dataDir() {
        return workDir.resolve("data");
    }

    /** The test's own copy of routes/, watched for edits like the real one. */
    public Path routesDir() {
        return workDir.resolve("routes");
    }

    public String property(String name) {
        return context().getPropertiesComponent().resolveProperty(name).orElseThrow();
    }

    public double metric(String pipeline, io.camelpipelines.common.PipelineMetrics.Kind kind) {
        return context().getRegistry().lookupByNameAndType(io.camelpipelines.common.SharedConnections.METRICS,
                io.camelpipelines.common.PipelineMetrics.class).value(pipeline, kind);
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(url(path));
    }

    /** The port of the routes, health, metrics and Jolokia. */
    public int httpPort() {
        return httpPort;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }
}
