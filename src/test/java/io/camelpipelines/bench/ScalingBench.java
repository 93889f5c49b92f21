package io.camelpipelines.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.RunningApplication;
import io.camelpipelines.common.PipelineMetrics.Kind;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The clickstream sink at 1, 2 and 4 consumers and polls of 500, 2,000 and 5,000 records: records/s draining a
 * backlog, and produce-to-row p50/p99 at a steady 5,000 events/s. Each point is the real kafka-batch-sink template
 * with the clickstream parser and writer, added as its own route with its own consumer group on one topic of 4
 * partitions. Writes bench/results/scaling.md/.json and docs/scaling.png.
 * {@code mvn -Pbench -DskipTests verify -Dbench.only=scaling}
 */
final class ScalingBench {

    private static final int[] CONSUMERS = {1, 2, 4};
    private static final int[] POLLS = {500, 2_000, 5_000};
    private static final String TOPIC = "bench-scaling";

    private final Benchmark bench;
    private final RunningApplication app;
    private final int latencyRate = Integer.getInteger("bench.latency.rate", 5_000);
    private final int latencySeconds = Integer.getInteger("bench.scaling.latency-seconds", 10);
    /** Records on the topic: the backlog, then each point's latency events too, which the next point drains as well. */
    private long inTopic;

    ScalingBench(Benchmark bench) {
        this.bench = bench;
        this.app = bench.app();
    }

    void run(int records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.brokers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
        }
        bench.produce(TOPIC, Benchmark.events(records));
        inTopic = records;
        List<Map<String, Object>> points = new ArrayList<>();
        for (int consumers : CONSUMERS) {
            for (int poll : POLLS) {
                points.add(point(consumers, poll, records));
            }
        }
        write(points, records);
    }

    private Map<String, Object> point(int consumers, int poll, int backlog) throws Exception {
        long records = inTopic;
        try (Connection c = bench.db().getConnection(); Statement st = c.createStatement()) {
            // every point inserts its rows anew: ON CONFLICT would skip rows another point wrote
            st.execute("TRUNCATE clickstream_data");
        }
        String route = "bench-scaling-c" + consumers + "-p" + poll;
        double before = app.metric("clickstream", Kind.OUT);
        TemplatedRouteBuilder.builder(app.context(), "kafka-batch-sink").routeId(route)
                .parameter("pipeline", "clickstream").parameter("topic", TOPIC)
                .parameter("groupId", route + "-" + System.nanoTime())
                .parameter("parser", "clickstreamRecords").parameter("writer", "clickstreamRows")
                .parameter("batchSize", String.valueOf(poll)).parameter("consumers", String.valueOf(consumers))
                .parameter("maxDelayMs", app.property("clickstream.sink.max-delay-ms")).add();
        app.context().getRouteController().startRoute(route);
        try {
            // timed from the first batch written, so the consumer group's join is not in the rate
            Benchmark.awaitCount(route + " first batch", () -> app.metric("clickstream", Kind.OUT) - before, 1);
            long t0 = System.nanoTime();
            double first = app.metric("clickstream", Kind.OUT) - before;
            Benchmark.awaitCount(route, () -> app.metric("clickstream", Kind.OUT) - before, records);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = (records - first) / seconds;
            double[] latency = bench.latency(TOPIC, "lat-" + route + "-", latencyRate, latencySeconds);
            inTopic += (long) latencyRate * latencySeconds;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("consumers", consumers);
            p.put("poll_records", poll);
            p.put("records", records);
            p.put("records_per_s", Math.round(rate));
            p.put("p50_ms", Math.round(latency[0] * 10) / 10.0);
            p.put("p99_ms", Math.round(latency[1] * 10) / 10.0);
            System.out.printf("scaling: %d consumer(s), polls of %,d: %,d records/s, p50 %.0f ms, p99 %.0f ms%n",
                    consumers, poll, Math.round(rate), latency[0], latency[1]);
            return p;
        } finally {
            app.context().getRouteController().stopRoute(route, 30, TimeUnit.SECONDS);
            app.context().removeRoute(route);
        }
    }

    private void write(List<Map<String, Object>> points, int backlog) throws Exception {
        Path results = Files.createDirectories(Path.of("bench", "results"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("backlog", backlog);
        doc.put("latency", latencyRate + " events/s for " + latencySeconds + " s");
        doc.put("max_delay_ms", app.property("clickstream.sink.max-delay-ms"));
        doc.put("points", points);
        Files.writeString(results.resolve("scaling.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        StringBuilder md = new StringBuilder("# Scaling: the clickstream sink by consumers and poll size\n\n");
        md.append(String.format("`mvn -Pbench -DskipTests verify -Dbench.only=scaling` (%s, %d cores). Each point is a "
                        + "new consumer group draining the whole topic of 4 partitions (%,d click events, plus the "
                        + "latency events of the points before it), timed from its first batch written; then p50/p99 "
                        + "from produce to row at %,d events/s for %d s; a batch that is not full is written after %s "
                        + "ms. Chart: docs/scaling.png.%n%n", doc.get("date"), Runtime.getRuntime().availableProcessors(),
                backlog, latencyRate, latencySeconds, app.property("clickstream.sink.max-delay-ms")));
        md.append("| consumers | poll records | records drained | records/s | p50 ms | p99 ms |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> p : points) {
            md.append(String.format("| %s | %,d | %,d | %,d | %s | %s |%n", p.get("consumers"), p.get("poll_records"),
                    p.get("records"), p.get("records_per_s"), p.get("p50_ms"), p.get("p99_ms")));
        }
        Files.writeString(results.resolve("scaling.md"), md.toString());
        System.out.println(md);
        chart(points, Files.createDirectories(Path.of("docs")).resolve("scaling.png"));
    }

    /** Two bar charts side by side: records/s and p99 ms, grouped by poll size, one bar per consumer count. */
    static void chart(List<Map<String, Object>> points, Path file) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int w = 1000;
        int h = 420;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        Color[] colors = {new Color(0x4C78A8), new Color(0xF58518), new Color(0x54A24B)};
        panel(g, points, "records_per_s", "records/s (draining a backlog)", 60, colors);
        panel(g, points, "p99_ms", "p99 ms, produce to row (steady load)", 560, colors);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < CONSUMERS.length; i++) {
            g.setColor(colors[i]);
            g.fillRect(380 + i * 110, 392, 14, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(CONSUMERS[i] + " consumer" + (CONSUMERS[i] > 1 ? "s" : ""), 400 + i * 110, 404);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, List<Map<String, Object>> points, String key, String title, int x0,
                              Color[] colors) {
        int top = 50;
        int height = 280;
        int width = 400;
        double max = points.stream().mapToDouble(p -> ((Number) p.get(key)).doubleValue()).max().orElse(1) * 1.15;
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, x0, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setStroke(new BasicStroke(1));
        for (int t = 0; t <= 4; t++) {
            int y = top + height - t * height / 4;
            g.setColor(new Color(0xDDDDDD));
            g.drawLine(x0, y, x0 + width, y);
            g.setColor(Color.GRAY);
            g.drawString(String.format("%,d", Math.round(max * t / 4)), x0 - 55, y + 4);
        }
        int group = width / POLLS.length;
        int bar = (group - 30) / CONSUMERS.length;
        for (int pi = 0; pi < POLLS.length; pi++) {
            for (int ci = 0; ci < CONSUMERS.length; ci++) {
                for (Map<String, Object> p : points) {
                    if (((Number) p.get("consumers")).intValue() == CONSUMERS[ci]
                            && ((Number) p.get("poll_records")).intValue() == POLLS[pi]) {
                        double v = ((Number) p.get(key)).doubleValue();
                        int bh = (int) Math.round(v / max * height);
                        int x = x0 + pi * group + 15 + ci * bar;
                        g.setColor(colors[ci]);
                        g.fillRect(x, top + height - bh, bar - 4, bh);
                    }
                }
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("polls of %,d", POLLS[pi]), x0 + pi * group + group / 2 - 38, top + height + 20);
        }
    }
}
