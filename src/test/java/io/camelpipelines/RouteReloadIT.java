package io.camelpipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route files are watched: an edit is live in seconds; an edit that does not parse is logged with its
 * file, line and column, and the last good version of that route and all other routes keep running.
 */
class RouteReloadIT {

    private final RunningApplication app = RunningApplication.get();

    @Test
    void editsReloadAndABrokenEditLeavesTheOtherRoutesRunning() throws Exception {
        // an existing directory: the watcher registers directories at startup, new ones need a restart
        Path file = app.routesDir().resolve("platform").resolve("it-echo.camel.yaml");
        Files.writeString(file, echoRoute("first"));
        awaitEcho("first");

        Files.writeString(file, echoRoute("second"));
        awaitEcho("second");

        RouteWatcherReloadStrategy reloads = app.context().hasService(RouteWatcherReloadStrategy.class);
        long failedBefore = reloads.getFailedCounter();
        Files.writeString(file, "- route:\n    id: it-echo\n    from:\n      uri: platform-http:/it/echo\n      steps:\n"
                + "        - setBody: [unclosed\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> reloads.getFailedCounter() > failedBefore);
        assertThat(app.get("/it/echo").body()).as("the last good version keeps running").isEqualTo("second");
        assertThat(app.get("/api/services").statusCode()).isEqualTo(200);
        assertThat(app.context().getRouteController().getRouteStatus("platform-services").isStarted()).isTrue();

        Files.writeString(file, echoRoute("third"));
        awaitEcho("third");
        Files.delete(file);
    }

    private static String echoRoute(String reply) {
        return "- route:\n    id: it-echo\n    from:\n      uri: platform-http:/it/echo\n      steps:\n"
                + "        - setBody:\n            constant: " + reply + "\n";
    }

    private void awaitEcho(String reply) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(app.get("/it/echo").body()).isEqualTo(reply));
    }
}
