package io.camelpipelines.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelpipelines.infra.Directories;
import io.camelpipelines.infra.Ports;

import static org.awaitility.Awaitility.await;

/**
 * The shipped artifact, {@code target/camel-pipelines.jar}, run the way the README runs it: {@code java -jar} in a
 * working directory holding a copy of the repository's routes/ and application.properties, as a child process
 * that can be stopped with SIGTERM or killed with SIGKILL and started again on the same data directory.
 */
public final class ApplicationProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path workDir;
    private final Path jar;
    private final Map<String, String> properties;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;
    private String authorization;
    private boolean heapLimit = true;
    private Set<String> inherited;

    private ApplicationProcess(Path workDir, Map<String, String> extra) {
        this.workDir = workDir;
        this.jar = Path.of("target", "camel-pipelines.jar").toAbsolutePath();
        this.httpPort = Ports.free("127.0.0.1");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.server.port", String.valueOf(httpPort));
        p.put("camel.management.port", String.valueOf(httpPort));
        p.put("kafka.embedded.port", "0");
        p.put("product-views.remote.embedded.port", "0");
        p.put("postgres.embedded.port", "0");
        p.put("mongodb.embedded.port", "0");
        p.put("elasticsearch.embedded.port", "0");
        // the distribution the build unpacked, as a user running the jar from elsewhere would name it
        p.put("elasticsearch.embedded.home", Path.of("target", "elasticsearch").toAbsolutePath().toString());
        // a test run with another configuration (-Dapp.food-orders.capture.mode=poll) applies to the jar too
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("app."))
                .forEach(k -> p.put(k.substring("app.".length()), System.getProperty(k)));
        p.putAll(extra);
        this.properties = p;
    }

    /** A fresh working directory under target/ with copies of routes/ and application.properties. */
    public static ApplicationProcess prepare(String name, Map<String, String> properties) throws IOException {
        Path dir = Path.of("target", name).toAbsolutePath();
        Directories.delete(dir);
        Files.createDirectories(dir);
        Directories.copy(Path.of("routes"), dir.resolve("routes"));
        Files.copy(Path.of("application.properties"), dir.resolve("application.properties"));
        Files.copy(Path.of("application-prod.properties"), dir.resolve("application-prod.properties"));
        if (!Files.isRegularFile(Path.of("target", "camel-pipelines.jar"))) {
            throw new IllegalStateException("target/camel-pipelines.jar is missing: this test runs after 'package'");
        }
        return new ApplicationProcess(dir, properties);
    }

    /** NAME='value' lines, as a shell reads them (the services.env the {@code services} command writes). */
    public static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Files.readString(file).lines().filter(l -> !l.startsWith("#") && l.contains("=")).forEach(l -> {
            String value = l.substring(l.indexOf('=') + 1);
            out.put(l.substring(0, l.indexOf('=')), value.substring(1, value.length() - 1).replace("'\\''", "'"));
        });
        return out;
    }

    /**
     * Starts the {@code services} command (embedded services only, {@code extra} properties as for any start) and
     * waits for the services.env it writes; the caller closes it.
     */
    public static ApplicationProcess services(String name, Map<String, String> extra) throws IOException {
        ApplicationProcess services = prepare(name, extra);
        services.arguments("services");
        services.start(null);
        Path envFile = services.dataDir().resolve("services.env");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!services.process().isAlive()) {
                throw new AssertionError("services exited:\n" + services.tail(40));
            }
            // written whole under another name, then renamed: present means complete
            return Files.exists(envFile);
        });
        return services;
    }

    /** Changes a property for the next start (a restart with another configuration, on the same data). */
    public void set(String key, String value) {
        properties.put(key, value);
    }

    /** Environment variables of the next start (the way an operator configures a profile). */
    public void environment(Map<String, String> variables) {
        environment.putAll(variables);
    }

    /**
     * Only these variables of this JVM's environment reach the application (and then those of
     * {@link #environment}): a variable such as KAFKA_BROKERS or POSTGRES_URL overrides the application's settings.
     */
    public void inheritOnly(Set<String> names) {
        inherited = Set.copyOf(names);
    }

    /** Command-line arguments of the next start, e.g. {@code services}. */
    public void arguments(String... args) {
        arguments.clear();
        arguments.addAll(List.of(args));
    }

    public Path workDir() {
        return workDir;
    }

    public Path dataDir() {
        return workDir.resolve("data");
    }

    public Path log() {
        return workDir.resolve("application-" + starts + ".log");
    }

    /** Starts the jar; the JVM's own temp directory is {@code outsideTemp}, which the application must leave alone. */
    public void start(Path outsideTemp) throws IOException {
        starts++;
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        if (heapLimit) {
            command.add("-Xmx1g");
        }
        if (outsideTemp != null) {
            command.add("-Djava.io.tmpdir=" + outsideTemp);
        }
        command.addAll(jvmOptions);
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log().toFile());
        if (inherited != null) {
            pb.environment().keySet().retainAll(inherited);
        }
        pb.environment().putAll(environment);
        process = pb.start();
        if (starts == 1) {
            // a test JVM that is stopped (Ctrl-C, a build timeout) does not leave the application running
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (process.isAlive()) {
                    process.destroy();
                }
            }, "application-process-stop"));
        }
    }

    /** A JVM option the user would type before {@code -jar}, for the next start. */
    public void jvmOption(String option) {
        jvmOptions.add(option);
    }

    /** Starts the JVM with its own default heap, as {@code java -jar} does, for runs that measure its memory. */
    public void withoutHeapLimit() {
        heapLimit = false;
    }

    /** The process's resident set, from /proc; 0 when it is not running. */
    public long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException gone) {
            // not running
        }
        return 0;
    }

    /** utime + stime of the process (its children not included), from /proc; 0 when it is not running. */
    public double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException gone) {
            return 0;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public Process process() {
        return process;
    }

    /** Waits for /observe/health 200, failing early, with the log's tail, if the process exits. */
    public void awaitHealthy(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("The application exited with " + process.exitValue() + " before it was"
                        + " healthy:\n" + firstErrors(5) + tail(40));
            }
            try {
                return get("/observe/health").statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /**
     * Waits until the routes are Started (read through Jolokia), failing early if the process exits: for runs whose
     * health cannot be UP, such as one whose source is deliberately absent.
     */
    public void awaitRoutesStarted(Duration timeout, String... routeIds) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("The application exited with " + process.exitValue() + ":\n" + firstErrors(5)
                        + tail(40));
            }
            try {
                Map<String, String> states = routeStates();
                return java.util.Arrays.stream(routeIds).allMatch(id -> "Started".equals(states.get(id)));
            } catch (IOException | AssertionError notYet) {
                return false;
            }
        });
    }

    /** The HTTP basic credentials every later request of this class sends (an application on 0.0.0.0 asks for them). */
    public void credentials(String user, String password) {
        authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public int httpPort() {
        return httpPort;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json, HttpClient client) throws IOException, InterruptedException {
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    public JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Route id to state, read from the Camel MBeans through Jolokia. */
    public Map<String, String> routeStates() throws IOException, InterruptedException {
        JsonNode value = getJson("/observe/jolokia/read/org.apache.camel:context=camel-pipelines,type=routes,name=*"
                + "/RouteId,State").path("value");
        Map<String, String> states = new java.util.TreeMap<>();
        value.forEach(route -> states.put(route.path("RouteId").asText(), route.path("State").asText()));
        return states;
    }

    /** Every port of the HTTP server and of the embedded services, from /api/services. */
    public Set<Integer> ports() throws IOException, InterruptedException {
        Set<Integer> ports = new TreeSet<>();
        ports.add(httpPort);
        for (JsonNode row : getJson("/api/services")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)").matcher(row.path("address").asText());
            if (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
        }
        return ports;
    }

    /** SIGTERM, then the exit code (fails if it takes longer than the timeout). */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("The application did not stop within " + timeout + " of SIGTERM:\n" + tail(40));
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs; what it leaves behind is the next start's to deal with. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Kills the application with SIGKILL {@code kills} times, each time after {@code progress} grew by {@code step}
     * (the load a test drives meanwhile), and starts it again on the same data directory; prints what it did.
     */
    public void killAndRestart(String test, int kills, java.util.function.IntSupplier progress, int step)
            throws Exception {
        for (int kill = 1; kill <= kills; kill++) {
            int before = progress.getAsInt();
            await().atMost(Duration.ofMinutes(2)).until(() -> progress.getAsInt() >= before + step);
            int at = progress.getAsInt();
            kill();
            System.out.printf("%s: kill -9 #%d at %d%n", test, kill, at);
            start(null);
            long t0 = System.nanoTime();
            awaitHealthy(Duration.ofMinutes(5));
            System.out.printf("%s: healthy again %d ms after restart #%d%n", test, (System.nanoTime() - t0) / 1_000_000,
                    kill);
        }
        int before = progress.getAsInt();
        await().atMost(Duration.ofMinutes(2)).until(() -> progress.getAsInt() >= before + step);
    }

    /** Processes still alive whose command line names this working directory (PostgreSQL, Elasticsearch, ...). */
    public List<String> leftoverProcesses() {
        String dir = workDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
                .collect(Collectors.toList());
    }

    /** Whether the current run's log has a line containing the text. */
    public boolean logContains(String text) {
        try (Stream<String> all = Files.lines(log())) {
            return all.anyMatch(l -> l.contains(text));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * The run's first ERROR lines, ahead of its tail: the tail of a failed start is the shutdown that followed, and
     * a rerun of the test overwrites the log.
     */
    private String firstErrors(int lines) {
        try (Stream<String> all = Files.lines(log())) {
            String first = all.filter(l -> l.contains(" ERROR ")).limit(lines)
                    .map(l -> l.length() > 500 ? l.substring(0, 500) + " ..." : l).collect(Collectors.joining("\n"));
            return first.isEmpty() ? "" : "first ERROR lines:\n" + first + "\nlast lines:\n";
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    public String tail(int lines) {
        try (Stream<String> all = Files.lines(log())) {
            List<String> l = all.collect(Collectors.toList());
            return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
