package io.camelpipelines.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.process.ApplicationProcess;

/**
 * The application JVM's resident memory while every simulator runs, started as {@code java -jar} starts it (no
 * flag: the jar restarts its JVM with {@code pipelines.jvm.options} and its class-data archive), in the two ways it
 * runs: alone on its embedded services, where its JVM also holds both Kafka brokers and the
 * in-memory MongoDB, and against the {@code services} command in another process, as against compose or a cluster.
 * RSS is read at 1, 2, 5 and 10 minutes after the start, with the records each pipeline wrote by then, so a figure
 * always comes with the work done. Results: bench/results/memory.md and .json.
 */
final class MemoryBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] CHECKPOINTS_MIN = {1, 2, 5, 10};

    private final int minutes;
    private final List<Map<String, Object>> results = new ArrayList<>();

    MemoryBench(int minutes) {
        this.minutes = minutes;
    }

    void run() throws Exception {
        results.add(measure("embedded services in the application JVM", null, Map.of()));
        ApplicationProcess services = ApplicationProcess.services("bench-memory-services", Map.of());
        try {
            Map<String, String> env = ApplicationProcess.readEnvFile(services.dataDir().resolve("services.env"));
            results.add(measure("against the services command (another JVM)", services, env));
        } finally {
            services.close();
        }
        write();
    }

    private Map<String, Object> measure(String mode, ApplicationProcess services, Map<String, String> env)
            throws Exception {
        ApplicationProcess app = ApplicationProcess.prepare("bench-memory-" + results.size(), Map.of());
        app.withoutHeapLimit();
        app.environment(env);
        try {
            long start = System.nanoTime();
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            double health = (System.nanoTime() - start) / 1e9;
            List<Map<String, Object>> samples = new ArrayList<>();
            for (int m : CHECKPOINTS_MIN) {
                if (m > minutes) {
                    break;
                }
                long due = start + TimeUnit.MINUTES.toNanos(m);
                while (System.nanoTime() < due) {
                    TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.min(1000, (due - System.nanoTime()) / 1_000_000)));
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("minute", m);
                s.put("app_rss_mb", app.rssMb());
                s.put("services_rss_mb", services == null ? null : services.rssMb());
                s.put("records_written", written(app));
                samples.add(s);
                System.out.printf("memory, %s: minute %d, application JVM %d MB RSS%n", mode, m, app.rssMb());
            }
            Map<String, Long> last = written(app);
            List<String> idle = last.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).toList();
            if (last.isEmpty() || !idle.isEmpty()) {
                throw new IllegalStateException(mode + ": pipelines that wrote nothing, so the figure would not be of a"
                        + " running application: " + (last.isEmpty() ? "all" : idle));
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("mode", mode);
            r.put("health_s", Math.round(health * 10) / 10.0);
            // what the JVM ran with: the options the jar restarted it with (pipelines.jvm.options, the archive)
            r.put("jvm", java.nio.file.Files.readAllLines(app.log()).stream().filter(l -> l.contains("JVM "))
                    .map(l -> l.substring(l.indexOf("JVM "))).findFirst().orElse("?"));
            r.put("samples", samples);
            return r;
        } finally {
            app.close();
        }
    }

    /** Records each pipeline has written to its sinks since the start, as /api/pipelines counts them. */
    private static Map<String, Long> written(ApplicationProcess app) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        JsonNode pipelines = app.getJson("/api/pipelines");
        pipelines.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().path("out").asLong()));
        return out;
    }

    private void write() throws Exception {
        Path dir = Files.createDirectories(Path.of("bench", "results"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("date", Instant.now().toString());
        doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"),
                "memory_mb", ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean()).getTotalMemorySize() >> 20));
        doc.put("results", results);
        Files.writeString(dir.resolve("memory.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        StringBuilder md = new StringBuilder("# Memory of the application JVM, all simulators running\n\n");
        md.append(String.format("Run `mvn -Pbench -DskipTests verify -Dbench.only=memory` (%s, %d cores, %s). The "
                + "shipped jar started as `java -jar` starts it, no flag given: it restarts its JVM with "
                + "`pipelines.jvm.options` and its class-data archive (the JVM line below), with the default "
                + "configuration: every pipeline and its simulator running. RSS from /proc; the records each "
                + "pipeline had written by then, from `/api/pipelines`.%n%n", doc.get("date"),
                Runtime.getRuntime().availableProcessors(), "Java " + System.getProperty("java.version")));
        md.append("| mode | health 200 after | minute | application JVM RSS MB | services JVM RSS MB | records written |\n");
        md.append("|---|---:|---:|---:|---:|---|\n");
        for (Map<String, Object> r : results) {
            for (Object o : (List<?>) r.get("samples")) {
                Map<?, ?> s = (Map<?, ?>) o;
                md.append(String.format("| %s | %s s | %s | %,d | %s | %s |%n", r.get("mode"), r.get("health_s"),
                        s.get("minute"), (Long) s.get("app_rss_mb"),
                        s.get("services_rss_mb") == null ? "–" : String.format("%,d", (Long) s.get("services_rss_mb")),
                        s.get("records_written")));
            }
        }
        md.append("\n");
        results.forEach(r -> md.append(String.format("- %s: %s%n", r.get("mode"), r.get("jvm"))));
        Files.writeString(dir.resolve("memory.md"), md.toString());
        System.out.println(md);
    }
}
