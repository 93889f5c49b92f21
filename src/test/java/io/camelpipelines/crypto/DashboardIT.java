package io.camelpipelines.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.RunningApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The dashboard in a real browser (Debian's headless Chromium): real candles drawn, every pipeline's counters shown. */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private final RunningApplication app = RunningApplication.get();

    @Test
    void theDashboardDrawsCandlesForEverySymbolAndShowsTheCounters() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "needs Debian's chromium (.ci/run installs it)");
        long now = System.currentTimeMillis();
        app.bean("binanceStreamServer", BinanceStreamServer.class).broadcast(List.of(
                frame("BTCUSDT", now, 43_000.5), frame("ETHUSDT", now, 2_300.25)));
        ObjectMapper json = new ObjectMapper();
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    json.readTree(app.get("/api/candles?symbol=" + symbol + "&interval=1m&limit=5").body()).size() > 0);
        }

        String dom = chromium("--dump-dom");
        Matcher drawn = Pattern.compile("id=\"status\" data-candles=\"(\\d+)\"").matcher(dom);
        assertThat(drawn.find()).as(dom).isTrue();
        assertThat(Integer.parseInt(drawn.group(1))).isGreaterThanOrEqualTo(2);
        assertThat(dom).contains("id=\"chart-BTCUSDT\"", "id=\"chart-ETHUSDT\"", "<canvas")
                .contains("<td>clickstream</td>", "<td>crypto-prices</td>");

        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        chromium("--screenshot=" + shot, "--window-size=1280,1000");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    private static String frame(String symbol, long time, double price) {
        return "{\"stream\":\"" + symbol.toLowerCase() + "@trade\",\"data\":{\"e\":\"trade\",\"E\":" + time + ",\"s\":\"" + symbol
                + "\",\"t\":" + System.nanoTime() + ",\"p\":\"" + price + "\",\"q\":\"0.5\",\"T\":" + time + ",\"m\":false}}";
    }

    private String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory("chromium");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000"));
        cmd.addAll(List.of(args));
        cmd.add(app.url("/dashboard/"));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            io.camelpipelines.infra.Directories.delete(profile);
        }
    }
}
