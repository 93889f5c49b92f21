package io.camelpipelines.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The artifact users run: {@code java -jar target/camel-pipelines.jar} as a child process, from a fresh working
 * directory (a copy of routes/ and application.properties, an empty data directory) and a JVM temp directory it
 * must not touch. Everything it needs comes from the jar: a missing class or a clash between dependencies that
 * the test classpath hides shows up here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedJarIT {

    private static ApplicationProcess app;
    private static Path outsideTemp;
    private static long startMillis;

    @BeforeAll
    static void start() throws Exception {
        app = ApplicationProcess.prepare("shipped-jar-it", Map.of());
        outsideTemp = Files.createDirectories(app.workDir().resolve("jvm-tmp"));
        long t0 = System.nanoTime();
        app.start(outsideTemp);
        app.awaitHealthy(Duration.ofMinutes(3));
        startMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("shipped jar: healthy %d ms after java -jar on an empty data directory%n", startMillis);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(0)
    void theLaunchersJvmWasReplacedInTheSameProcessByOneWithTheApplicationsOptions() throws Exception {
        List<String> arguments = ProcessHandle.of(app.process().pid()).orElseThrow().info().arguments()
                .map(List::of).orElseThrow();
        // pipelines.jvm.options, in front of what the test typed (its -Xmx1g, the -jar): same pid, new command line
        assertThat(arguments).containsSubsequence("-XX:+UseSerialGC", "-Xms64m", "-Xmx1g", "-jar");
        assertThat(arguments.stream().filter(a -> a.startsWith("-XX:SharedArchiveFile=")
                || a.startsWith("-XX:ArchiveClassesAtExit="))).as(arguments.toString()).hasSize(1);
        if (!Boolean.getBoolean("class-data.training.skip")) {
            // the first start of the jar maps the archive the package's run of it wrote (ClassDataTraining)
            Path archive = Path.of("target", "camel-pipelines.jsa").toAbsolutePath();
            assertThat(arguments).as("the archive the build wrote").contains("-XX:SharedArchiveFile=" + archive);
            // written before this test JVM started, so by the package's run, not by an earlier test's stop
            assertThat(Files.getLastModifiedTime(archive).toMillis())
                    .isLessThan(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
        assertThat(app.logContains("JVM started with the application's options -XX:+UseSerialGC -Xms64m"))
                .as(app.tail(40)).isTrue();
        // the collector the JVM runs is the one asked for, as the JVM reports it through Jolokia
        String collector = app.get("/observe/jolokia/read/java.lang:type=GarbageCollector,name=MarkSweepCompact/Name")
                .body();
        assertThat(collector).as(collector).contains("\"value\":\"MarkSweepCompact\"");
    }

    @Test
    @Order(1)
    void startsEveryServiceAndEveryRouteOfTheRoutesDirectory() throws Exception {
        assertThat(app.getJson("/api/services")).extracting(row -> row.path("service").asText())
                .containsExactlyInAnyOrder("kafka", "kafka-remote", "postgres", "mongodb", "elasticsearch");
        Set<String> declared = routeIdsIn(app.workDir().resolve("routes"));
        assertThat(declared).as("route files found").hasSizeGreaterThan(10);
        // of the two food-orders capture routes only the configured mode's runs (log by default)
        String idle = "food-orders-capture-" + (captureMode().equals("log") ? "poll" : "log");
        assertThat(declared).contains(idle);
        // supervised routes (the WebSocket client) may need a retry before their source is up
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, String> states = app.routeStates();
            // a route that never started has no MBean yet
            assertThat(states.keySet()).containsAll(declared.stream().filter(id -> !id.equals(idle)).toList());
            assertThat(states).allSatisfy((id, state) -> assertThat(state).as(id)
                    .isEqualTo(id.equals(idle) ? "Stopped" : "Started"));
        });
        // once started, the heap was collected and shrunk towards what is live plus 30 % free
        // (pipelines.memory.max-heap-free-percent); without that, the start-up heap stayed: 200-400 MB
        String trim = Files.readAllLines(app.log()).stream().filter(l -> l.contains("Heap after start:")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'Heap after start' line:\n" + app.tail(40)));
        java.util.regex.Matcher heap = java.util.regex.Pattern
                .compile("(\\d+) MB committed, (\\d+) MB of it live \\(was (\\d+) MB").matcher(trim);
        assertThat(heap.find()).as(trim).isTrue();
        long committed = Long.parseLong(heap.group(1));
        long live = Long.parseLong(heap.group(2));
        // the serial collector (pipelines.jvm.options) keeps live / 0.7 in the old generation and half that again
        // as the young one: 2.1 times the live heap; with the JVM's default 70 % free it may keep 5 times
        // (a heap already near that size may grow by a megabyte or two at the collection, to keep its free share)
        assertThat(committed).as(trim).isLessThanOrEqualTo(Long.parseLong(heap.group(3)) * 21 / 20)
                .isLessThanOrEqualTo(live * 5 / 2);
        // then the C library's freed memory went back to the system, through the JVM's own command, and the
        // metrics count that trim: a JVM or C library without the command would log "not trimmed" instead
        assertThat(app.logContains("Native heap trimmed in")).as(app.tail(40)).isTrue();
        String metrics = app.get("/observe/metrics").body();
        java.util.regex.Matcher trims = java.util.regex.Pattern
                .compile("(?m)^pipelines_memory_native_trim_seconds_count\\S* (\\S+)$").matcher(metrics);
        assertThat(trims.find()).as("pipelines_memory_native_trim_seconds_count in /observe/metrics").isTrue();
        assertThat(Double.parseDouble(trims.group(1))).isGreaterThanOrEqualTo(1);
        // the PostgreSQL binaries were unpacked beside this application, not taken from a cache elsewhere
        try (Stream<Path> unpacked = Files.list(app.workDir().resolve("target/postgres"))) {
            assertThat(unpacked.filter(p -> Files.isExecutable(p.resolve("bin/postgres"))).count()).isEqualTo(1);
        }
    }

    @Test
    @Order(2)
    void everyBatchItWritesToKafkaIsCompressedWithTheConfiguredCodec() throws Exception {
        String codec = configured("camel.component.kafka.compression-codec", "snappy");
        Path logs = app.dataDir().resolve("kafka");
        // written by camel-kafka's producers (the simulators' and ingest routes), the capture's transactional
        // producer (orders and its position), the bridge's forwarder and the dead letters (the order simulator
        // sends some records no pipeline accepts)
        List<String> topics = List.of("clickstream", "binance-prices", "flight-data", "processed_product_views",
                "food_orders_raw", "food_orders_raw.capture-position", "food_orders_raw.dlq");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(topics).allSatisfy(t -> assertThat(dataBatchCodecs(logs, t)).as(t).isNotEmpty()));
        for (String topic : topics) {
            assertThat(dataBatchCodecs(logs, topic)).as(topic).containsOnlyKeys(codec);
        }
    }

    /** How many record batches of each codec the broker's log of a topic holds; transaction markers left out. */
    private static Map<String, Integer> dataBatchCodecs(Path logs, String topic) throws IOException {
        Map<String, Integer> codecs = new java.util.TreeMap<>();
        try (Stream<Path> partitions = Files.list(logs)) {
            for (Path partition : partitions.filter(p -> p.getFileName().toString().matches(
                    java.util.regex.Pattern.quote(topic) + "-\\d+")).toList()) {
                try (Stream<Path> segments = Files.list(partition)) {
                    for (Path segment : segments.filter(p -> p.toString().endsWith(".log")).toList()) {
                        // read-only, and closed without close(): that trims the file to what was read, and the
                        // running broker appends to its last segment meanwhile
                        FileRecords records = FileRecords.open(segment.toFile(), false, false, 0, false);
                        try {
                            for (FileChannelRecordBatch batch : records.batches()) {
                                if (!batch.isControlBatch()) {
                                    codecs.merge(batch.compressionType().name, 1, Integer::sum);
                                }
                            }
                        } finally {
                            records.closeHandlers();
                        }
                    }
                }
            }
        }
        return codecs;
    }

    @Test
    @Order(3)
    void aSecondInstanceOnTheSameDataDirectoryIsRefusedAndTheFirstGoesOn() throws Exception {
        try (ApplicationProcess second = ApplicationProcess.prepare("shipped-jar-it-second",
                Map.of("pipelines.data-dir", app.dataDir().toString()))) {
            second.start(null);
            assertThat(second.process().waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).as("exited").isTrue();
            assertThat(second.process().exitValue()).as(second.tail(20)).isEqualTo(2);
            assertThat(second.tail(20)).contains("Embedded mode is one instance")
                    .contains("pid " + app.process().pid());
            assertThat(second.leftoverProcesses()).isEmpty();
        }
        assertThat(app.get("/observe/health").statusCode()).isEqualTo(200);
        assertThat(app.dataDir().resolve("tmp").resolve(String.valueOf(app.process().pid())))
                .as("the first one's temp directory, left alone").isDirectory();
    }

    @Test
    @Order(4)
    void sigtermStopsEverythingWithExitCodeZeroAndLeavesNothingBehind() throws Exception {
        Set<Integer> ports = app.ports();
        assertThat(ports).hasSize(6);
        assertThat(app.leftoverProcesses()).as("PostgreSQL and Elasticsearch run from the data directory").isNotEmpty();

        if (captureMode().equals("log")) {
            // stopped in the middle of its first read of the table, Debezium logs that as an error: stop it after
            await().atMost(Duration.ofSeconds(60)).until(() -> app.logContains("streaming changes from the log"));
        }
        List<String> arguments = ProcessHandle.of(app.process().pid()).orElseThrow().info().arguments()
                .map(List::of).orElseThrow();
        int exit = app.stop(Duration.ofSeconds(120));

        assertThat(exit).as(app.tail(30)).isZero();
        // a JVM asked to write the class-data archive wrote it when it stopped, under its own name
        arguments.stream().filter(a -> a.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().ifPresent(option -> {
            Path written = Path.of(option.substring(option.indexOf('=') + 1));
            assertThat(written).as("the archive written at the stop").isRegularFile();
            assertThat(written.toFile().length()).isGreaterThan(10_000_000L);
        });
        assertThat(app.leftoverProcesses()).as("processes left running").isEmpty();
        assertThat(ports.stream().filter(ShippedJarIT::listening).collect(Collectors.toList()))
                .as("ports still listening").isEmpty();
        assertThat(listFiles(outsideTemp)).as("files left in the JVM's temp directory").isEmpty();
        assertThat(app.dataDir().resolve("tmp")).as("the application's own temp directory is removed").doesNotExist();
        assertThat(app.dataDir().resolve("elasticsearch/tmp")).doesNotExist();
        assertThat(app.tail(200)).doesNotContain("ERROR");
    }

    @Test
    @Order(5)
    void theNextStartOfTheSameJarMapsTheClassDataArchiveAStoppedRunWrote() throws Exception {
        Path archive = Path.of("target", "camel-pipelines.jsa").toAbsolutePath();
        try (ApplicationProcess next = ApplicationProcess.prepare("shipped-jar-it-next", Map.of())) {
            Path loaded = next.workDir().resolve("class-load.log");
            next.jvmOption("-Xlog:class+load=info:file=" + loaded);
            next.start(null);
            next.awaitHealthy(Duration.ofMinutes(3));
            List<String> arguments = ProcessHandle.of(next.process().pid()).orElseThrow().info().arguments()
                    .map(List::of).orElseThrow();
            assertThat(arguments).as("the archive the stop above wrote, checked and renamed")
                    .contains("-XX:SharedArchiveFile=" + archive);
            assertThat(archive).isRegularFile();
            assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(
                    Path.of("target", "camel-pipelines.jar")));
            // and the JVM mapped it: the application's classes came from it, not from the jar
            String application = Files.readAllLines(loaded).stream()
                    .filter(l -> l.contains(" io.camelpipelines.Application ")).findFirst().orElseThrow();
            assertThat(application).contains("source: shared objects file (top)");
            assertThat(next.stop(Duration.ofSeconds(120))).as(next.tail(30)).isZero();
        }
    }

    private static String captureMode() throws IOException {
        return configured("food-orders.capture.mode", "log");
    }

    /** A setting as the application gets it: an app.* system property of the test run, else application.properties. */
    private static String configured(String name, String defaultValue) throws IOException {
        String override = System.getProperty("app." + name);
        if (override != null) {
            return override;
        }
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(app.workDir().resolve("application.properties"))) {
            p.load(in);
        }
        return p.getProperty(name, defaultValue).trim();
    }

    /** The ids the route files declare: a route or templated route per file, id = file name; templates are not routes. */
    static Set<String> routeIdsIn(Path routes) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (Stream<Path> files = Files.walk(routes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).collect(Collectors.toList())) {
                String text = Files.readString(f);
                if (text.contains("- route:") || text.contains("- templatedRoute:")) {
                    ids.add(f.getFileName().toString().replace(".camel.yaml", ""));
                }
            }
        }
        return ids;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static List<String> listFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
