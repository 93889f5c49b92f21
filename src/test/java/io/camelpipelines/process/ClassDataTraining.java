package io.camelpipelines.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import io.camelpipelines.infra.Directories;

/**
 * The build's last step ({@code package}): the jar just built runs once as {@code java -jar} runs it, on a data
 * directory of its own and free ports, until it is healthy and every pipeline has moved records for a while, and
 * is then stopped with SIGTERM. That run writes the class-data archive beside the jar (see
 * {@code infra/ClassDataArchive}), so the user's first {@code java -jar} maps it instead of writing it: about 3 s of
 * a first start on two cores. Anything that stops it (a port taken, no Elasticsearch distribution) costs only that:
 * it says why, and the first start writes the archive instead. {@code -Dclass-data.training.skip} skips it.
 */
public final class ClassDataTraining {

    private static final java.util.List<String> PIPELINES = java.util.List.of("clickstream", "food-orders",
            "crypto-prices", "flights", "product-views");

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of("target", "camel-pipelines.jar");
        long t0 = System.nanoTime();
        ApplicationProcess app = null;
        try {
            // the PostgreSQL binaries are unpacked where the user's run looks for them: one more thing its first
            // start does not have to do
            app = ApplicationProcess.prepare("class-data-training", Map.of("postgres.embedded.binaries",
                    Path.of("target", "postgres").toAbsolutePath().toString()));
            app.withoutHeapLimit();
            // the shell's KAFKA_BROKERS, POSTGRES_URL, ELASTICSEARCH_HOSTS... would point this run at real services
            app.inheritOnly(java.util.Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
                    "TMPDIR", "JAVA_HOME"));
            app.start(null);
            app.awaitHealthy(Duration.ofMinutes(3));
            long healthy = System.nanoTime();
            // the sinks' classes too, not only the start's: until every pipeline has written records
            ApplicationProcess running = app;
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptions().until(() -> PIPELINES.stream().allMatch(p -> written(running, p)));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("Class-data archive: not every pipeline wrote records within 90 s; archived what ran");
            }
            int exit = app.stop(Duration.ofMinutes(2));
            Path written = archiveWritten(jar);
            System.out.printf("Class-data archive: a run of the jar, healthy after %.1f s, stopped with exit code %d, wrote"
                            + " %s (%,d MB) in %.0f s; the first java -jar maps it%n", (healthy - t0) / 1e9, exit,
                    written == null ? "nothing" : written.getFileName(), written == null ? 0 : Files.size(written) >> 20,
                    (System.nanoTime() - t0) / 1e9);
        } catch (Throwable t) {
            System.out.println("Class-data archive not written at build time (" + t.getMessage() + "): the first java"
                    + " -jar writes it when it stops" + (app == null ? "" : "; the run's log: " + app.log()));
            if (app != null) {
                app.close();
            }
            return;
        }
        app.close();
        Directories.delete(app.workDir());
    }

    /** Whether the pipeline's pipeline_records_out_total is above zero in /observe/metrics. */
    private static boolean written(ApplicationProcess app, String pipeline) {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^pipeline_records_out_total\\{[^}]*pipeline=\""
                    + pipeline + "\"[^}]*} (\\S+)$").matcher(app.get("/observe/metrics").body());
            return m.find() && Double.parseDouble(m.group(1)) > 0;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** The archive a stopped run left for the next start to check and rename, if any. */
    private static Path archiveWritten(Path jar) throws Exception {
        try (Stream<Path> files = Files.list(jar.toAbsolutePath().getParent())) {
            return files.filter(f -> f.getFileName().toString().matches("camel-pipelines\\.jsa\\.\\d+\\.tmp"))
                    .filter(f -> Files.exists(Path.of(f + ".ok"))).findFirst().orElse(null);
        }
    }
}
