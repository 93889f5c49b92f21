package io.camelpipelines;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.infra.HawtioConsole;
import io.camelpipelines.infra.Ports;
import io.camelpipelines.infra.StartupFailure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar camel-pipelines.jar hawtio} as an operator uses it: Hawtio in headless Chromium, connected to the
 * running application through its first page, shows every route with the counts the application's own MBeans have,
 * and the pipelines' MBeans; beyond localhost it will not start without a password, and with one it asks for it.
 */
class HawtioIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BROWSER = Path.of("src/test/browser");
    private final RunningApplication app = RunningApplication.get();
    // tests run from the repository root: the shaded jar is built by `package`, before the integration tests

    @Test
    void hawtioShowsEveryRouteWithTheApplicationsOwnCounts() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "needs Debian's chromium (.ci/run installs it)");
        assumeTrue(Files.isDirectory(BROWSER.resolve("node_modules/playwright-core")),
                "needs `npm ci --prefix src/test/browser` (.ci/run runs it)");
        await().atMost(Duration.ofMinutes(2)).until(() -> app.context().getRouteController()
                .getRouteStatus("clickstream-ingest").isStarted());
        for (int i = 0; i < 3; i++) {
            assertThat(app.post("/api/clicks", "[]").statusCode()).isIn(202, 400);
        }
        int port = Ports.free("127.0.0.1");
        // the command an operator types, as its own process: java -jar target/camel-pipelines.jar hawtio
        Path log = Path.of("target", "hawtio-it.log").toAbsolutePath();
        Process hawtio = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dhawtio.port=" + port, "-Dcamel.management.port=" + app.httpPort(),
                "-jar", Path.of("target", "camel-pipelines.jar").toAbsolutePath().toString(), "hawtio")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("Hawtio on http://"));
            Path shot = Path.of("target", "hawtio-routes.png").toAbsolutePath();
            List<JsonNode> lines = browse("http://127.0.0.1:" + port + "/", shot);
            Map<String, JsonNode> shown = new HashMap<>();
            lines.stream().filter(l -> l.has("route")).forEach(l -> shown.put(l.path("route").asText(), l));

            assertThat(shown.keySet()).as("every route of the application")
                    .containsExactlyInAnyOrderElementsOf(app.context().getRoutes().stream().map(r -> r.getRouteId()).toList());
            long ingest = shown.get("clickstream-ingest").path("total").asLong();
            assertThat(ingest).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(exchangesTotal("clickstream-ingest"));
            assertThat(shown.values().stream().mapToLong(l -> l.path("total").asLong()).sum()).isPositive();
            assertThat(shown.get("platform-services").path("state").asText()).isEqualTo("Started");
            assertThat(lines).anyMatch(l -> l.path("pipelineBeans").asBoolean());
            assertThat(shot).isNotEmptyFile();
        } finally {
            hawtio.destroy();
            assertThat(hawtio.waitFor(30, TimeUnit.SECONDS)).as("Hawtio stops on SIGTERM").isTrue();
        }
    }

    @Test
    void beyondLocalhostItNeedsAPasswordAndAsksForIt() throws Exception {
        int port = Ports.free("127.0.0.1");
        assertThatThrownBy(() -> HawtioConsole.start(settings("0.0.0.0", port, null, null)))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("HAWTIO_PASSWORD");
        try (HawtioConsole console = HawtioConsole.start(settings("0.0.0.0", port, "operator", "s3cret-hawtio"))) {
            HttpClient http = HttpClient.newHttpClient();
            URI page = URI.create("http://127.0.0.1:" + port + "/hawtio/");
            assertThat(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .isEqualTo(401);
            String basic = Base64.getEncoder().encodeToString("operator:s3cret-hawtio".getBytes(StandardCharsets.UTF_8));
            assertThat(http.send(HttpRequest.newBuilder(page).header("Authorization", "Basic " + basic).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }

    private HawtioConsole.Settings settings(String host, int port, String user, String password) {
        return new HawtioConsole.Settings(host, port, "127.0.0.1", app.httpPort(), "/observe/jolokia", user, password);
    }

    private static long exchangesTotal(String routeId) throws Exception {
        MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        ObjectName name = jmx.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"" + routeId + "\",*"), null)
                .iterator().next();
        return (Long) jmx.getAttribute(name, "ExchangesTotal");
    }

    private static List<JsonNode> browse(String url, Path shot) throws Exception {
        Process node = new ProcessBuilder("node", "hawtio.mjs", url, shot.toString())
                .directory(BROWSER.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }
}
