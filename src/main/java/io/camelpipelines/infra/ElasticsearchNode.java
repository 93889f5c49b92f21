package io.camelpipelines.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Elasticsearch 8.19 node, the distribution the build unpacked, run as a child process with its
 * config, data and logs under the data directory. Elasticsearch refuses to run as root, so when this
 * JVM is root the node runs as a system user created for it. With {@link Security} it runs as a production node does:
 * HTTPS with a certificate of the embedded CA, and basic authentication (a file-realm user).
 */
public class ElasticsearchNode implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchNode.class);
    private static final String SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(f -> Files.isExecutable(Path.of(f))).findFirst().orElse(null);

    private final String host;
    private final int requestedPort;
    private final Path distribution;
    private final Path baseDir;
    private final String heap;
    private final String runAsUser;
    private final Duration startTimeout;
    private final Security security;
    private final String jvmOptions;
    private int port;
    private int transportPort;
    private Path home;
    private Process process;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    /** HTTPS with the embedded CA's certificate, and one superuser of the file realm. */
    public record Security(EmbeddedCertificates certificates, String user, String password) {
    }

    public ElasticsearchNode(String host, int port, Path distribution, Path baseDir, String heap, String runAsUser,
                             Duration startTimeout) {
        this(host, port, distribution, baseDir, heap, "", runAsUser, startTimeout, null);
    }

    /** @param jvmOptions for the node's JVM, after the heap ({@code elasticsearch.embedded.jvm-options}) */
    public ElasticsearchNode(String host, int port, Path distribution, Path baseDir, String heap, String jvmOptions,
                             String runAsUser, Duration startTimeout, Security security) {
        this.security = security;
        this.jvmOptions = jvmOptions == null ? "" : jvmOptions.trim();
        this.host = host;
        this.requestedPort = port;
        this.distribution = distribution;
        this.baseDir = baseDir;
        this.heap = heap;
        this.runAsUser = runAsUser;
        this.startTimeout = startTimeout;
    }

    @Override
    public String name() {
        return "elasticsearch";
    }

    /** Routes start while the node boots: its clients connect at their first request and the sinks retry. */
    @Override
    public boolean awaitedBeforeRoutes() {
        return false;
    }

    @Override
    public synchronized void reserve() throws IOException {
        home = findHome();
        // a restart keeps the port it had: the clients, configured with it, reconnect to the same address
        if (port == 0) {
            port = Ports.claim(host, requestedPort, "elasticsearch.embedded.port");
        }
    }

    @Override
    public void start() throws Exception {
        closing = false;
        reserve();
        for (int attempt = 1; ; attempt++) {
            // a free port found a moment ago can be taken by a service starting next to this one: the transport
            // port is picked again at each attempt (the HTTP port is already in the clients' configuration)
            transportPort = Ports.free(host);
            try {
                launch();
                return;
            } catch (StartupFailure e) {
                if (attempt == 3 || closing) {
                    throw e;
                }
                LOG.warn("Elasticsearch did not start (attempt {} of 3), trying again: {}", attempt, e.getMessage());
            }
        }
    }

    /** Starts the node on the claimed ports and waits until it is ready; a node that dies later is restarted. */
    private synchronized void launch() throws Exception {
        Path conf = baseDir.resolve("config");
        Path data = baseDir.resolve("data");
        Path logs = baseDir.resolve("logs");
        Files.createDirectories(data);
        Files.createDirectories(logs);
        // its launcher's and server's temp files stay here, not in the machine's shared /tmp; emptied at each start
        Path tmp = baseDir.resolve("tmp");
        Directories.delete(tmp);
        Files.createDirectories(tmp);
        copyConfigIfAbsent(home.resolve("config"), conf);
        List<String> securitySettings = security == null ? List.of("-Expack.security.enabled=false") : secure(conf);

        List<String> command = new ArrayList<>();
        // a session of its own: where the kernel shares the cores between sessions first (autogroup), the node gets
        // half of them while it boots instead of a share among this JVM's hundreds of threads (up at 16 s, not 25)
        if (SETSID != null) {
            command.add(SETSID);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            ensureUser();
            allowAccess(home, conf, data, logs, tmp);
            command.addAll(List.of("runuser", "-u", runAsUser, "--"));
        }
        // Elasticsearch must not outlive this JVM, even one killed with SIGKILL: the wrapper holds the pipe from this
        // process as stdin and stops the node when it closes (read is a shell builtin: no child left behind). And
        // the wrapper must not outlive the node: when the node exits on its own, so does the wrapper, with the
        // node's exit code, which is how this JVM learns that it has to start it again.
        // (A background job's stdin would be /dev/null: the pipe is handed to the watcher through fd 3.)
        command.addAll(List.of("bash", "-c", "exec 3<&0; \"$@\" </dev/null & node=$!; "
                        + "( while IFS= read -r _; do :; done; kill $node 2>/dev/null ) <&3 & watcher=$!; exec 3<&-; "
                        + "wait $node; status=$?; kill $watcher 2>/dev/null; exit $status",
                "elasticsearch-watchdog", home.resolve("bin/elasticsearch").toString()));
        command.addAll(List.of(
                "-Ecluster.name=camel-pipelines",
                "-Enode.name=embedded",
                "-Ediscovery.type=single-node",
                "-Enetwork.host=" + host,
                "-Ehttp.port=" + port,
                "-Etransport.port=" + transportPort,
                "-Epath.data=" + data,
                "-Epath.logs=" + logs,
                // a laptop disk at 90 % must not turn every index read-only
                "-Ecluster.routing.allocation.disk.threshold_enabled=false",
                "-Eaction.auto_create_index=true"));
        command.addAll(securitySettings);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .directory(logs.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("console.log").toFile()));
        pb.environment().put("ES_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ES_PATH_CONF", conf.toString());
        // no hsperfdata file in /tmp either: these JVMs are watched through Elasticsearch's own APIs
        pb.environment().put("ES_JAVA_OPTS", ("-Xms" + heap + " -Xmx" + heap + " -XX:-UsePerfData " + jvmOptions).trim());
        // the launcher JVM only reads the configuration and starts the server's: C1 and the serial collector spare
        // the cores the services are starting on (3.7-4.1 CPU-seconds alone, 2.5-2.9 with these)
        pb.environment().put("CLI_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp
                + " -XX:-UsePerfData -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC");
        pb.environment().put("ES_TMPDIR", tmp.toString());
        Path console = logs.resolve("console.log");
        long consoleStart = Files.exists(console) ? Files.size(console) : 0;
        process = pb.start();
        awaitGreen(console, consoleStart);
        Process started = process;
        started.onExit().thenRun(() -> supervise(started));
    }

    /**
     * The node exited while nobody asked it to (killed, out of memory): start it again, with backoff, so a crashed
     * service costs seconds rather than an operator. Health shows it DOWN meanwhile.
     */
    private void supervise(Process exited) {
        if (closing || exited != process) {
            return;
        }
        Thread t = new Thread(() -> {
            long delay = 1000;
            while (!closing) {
                int n = restarts.incrementAndGet();
                LOG.warn("Elasticsearch (pid {}) exited with code {}; restarting it (restart #{}) in {} ms (log: {})",
                        exited.pid(), exited.exitValue(), n, delay, baseDir.resolve("logs/console.log"));
                try {
                    Thread.sleep(delay);
                    if (closing) {
                        return;
                    }
                    launch();
                    LOG.info("Elasticsearch is back on {} (pid {})", url(), process.pid());
                    return;
                } catch (Exception e) {
                    LOG.warn("Elasticsearch did not come back: {}", e.getMessage());
                    delay = Math.min(delay * 2, 30_000);
                }
            }
        }, "elasticsearch-supervisor");
        t.setDaemon(true);
        t.start();
    }

    /** How often the node was restarted after exiting on its own. */
    public int restarts() {
        return restarts.get();
    }

    /** The node's process, for tests that take it away. */
    public java.util.Optional<ProcessHandle> processHandle() {
        Process p = process;
        return p == null ? java.util.Optional.empty() : java.util.Optional.of(p.toHandle());
    }

    private Path findHome() throws IOException {
        if (Files.isExecutable(distribution.resolve("bin/elasticsearch"))) {
            return distribution;
        }
        if (Files.isDirectory(distribution)) {
            try (Stream<Path> dirs = Files.list(distribution)) {
                Path found = dirs.filter(d -> Files.isExecutable(d.resolve("bin/elasticsearch")))
                        .max(Comparator.naturalOrder()).orElse(null);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new StartupFailure("No Elasticsearch distribution at " + distribution
                + ": run 'mvn -DskipTests package' (it unpacks one), set elasticsearch.embedded.home,"
                + " or set elasticsearch.hosts to use a running Elasticsearch");
    }

    /**
     * The node's TLS files (Elasticsearch reads them only from its config directory) and its user; the settings that
     * turn security on.
     */
    private List<String> secure(Path conf) throws Exception {
        Path certs = conf.resolve("certs");
        Files.createDirectories(certs);
        EmbeddedCertificates c = security.certificates();
        Files.copy(c.caPem(), certs.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(c.serverCertificatePem(), certs.resolve("server.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(c.serverKeyPem(), certs.resolve("server-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // the file realm holds exactly this run's user
        FileRealmUsers.writeOnly(conf, security.user(), security.password(), "superuser");
        return List.of("-Expack.security.enabled=true",
                "-Expack.security.http.ssl.enabled=true",
                "-Expack.security.http.ssl.key=" + certs.resolve("server-key.pem"),
                "-Expack.security.http.ssl.certificate=" + certs.resolve("server.pem"),
                "-Expack.security.http.ssl.certificate_authorities=" + certs.resolve("ca.pem"));
    }

    private static void copyConfigIfAbsent(Path from, Path to) throws IOException {
        if (!Files.exists(to.resolve("jvm.options"))) {
            Directories.copy(from, to);
        }
    }

    private void ensureUser() throws Exception {
        if (run("id", "-u", runAsUser) == 0) {
            return;
        }
        LOG.info("Creating system user {} to run Elasticsearch (it refuses to run as root)", runAsUser);
        if (run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", runAsUser) != 0) {
            throw new StartupFailure("Could not create the system user " + runAsUser + " that Elasticsearch needs when run"
                    + " as root: create it, set elasticsearch.embedded.user to an existing user, or run as a non-root user");
        }
    }

    /** The node's own directories become its user's; the path to them and to the distribution must be passable. */
    private void allowAccess(Path home, Path... owned) throws Exception {
        for (Path dir : owned) {
            if (run("chown", "-R", runAsUser, dir.toString()) != 0) {
                throw new StartupFailure("Could not give " + dir + " to user " + runAsUser
                        + ": set pipelines.data-dir to a directory root can chown");
            }
        }
        for (Path p : List.of(home, baseDir)) {
            for (Path dir = p; dir != null; dir = dir.getParent()) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    LOG.warn("Allowing other users to pass through {} (o+x) so that user {} reaches Elasticsearch's files",
                            dir, runAsUser);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(dir, perms);
                }
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private void awaitGreen(Path consoleLog, long consoleStart) throws Exception {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s")).timeout(Duration.ofSeconds(5));
        if (security != null) {
            client.sslContext(TrustedCertificates.sslContext(security.certificates().caPem()));
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (security.user() + ":" + security.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        HttpClient http = client.build();
        HttpRequest health = request.build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (closing) {
                destroyTree();
                throw new StartupFailure("Elasticsearch was stopped while it started");
            }
            if (!process.isAlive()) {
                String cause = cause(consoleLog, consoleStart);
                process = null;
                throw new StartupFailure("Elasticsearch exited during startup" + (cause.isEmpty() ? "" : ": " + cause)
                        + " (log: " + consoleLog + "; set elasticsearch.hosts to use another Elasticsearch)");
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // still starting
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        destroyTree();
        throw new StartupFailure("Elasticsearch was not ready within " + startTimeout.toSeconds() + " s (log: " + consoleLog
                + "): raise elasticsearch.embedded.start-timeout or set elasticsearch.hosts");
    }

    /**
     * Why this start failed, from what it wrote to the console log: the last line naming an error or exception
     * other than the launcher's own "died while starting up" (which says only that the server exited).
     */
    private static String cause(Path log, long from) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
            f.seek(Math.min(from, f.length()));
            byte[] tail = new byte[(int) Math.min(f.length() - f.getFilePointer(), 1 << 20)];
            f.readFully(tail);
            List<String> errors = new String(tail, java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("ERROR") || l.contains("Exception") || l.startsWith("error"))
                    .map(String::trim).toList();
            return errors.stream().filter(l -> !l.contains("died while starting up")).reduce((a, b) -> b)
                    .or(() -> errors.stream().reduce((a, b) -> b)).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    public String url() {
        return (security == null ? "http://" : "https://") + host + ":" + port;
    }

    @Override
    public String address() {
        return url();
    }

    @Override
    public String description() {
        return (security == null ? "" : "HTTPS + basic auth, ") + "child process (pid " + (process == null ? "-" : process.pid()) + "), heap " + heap + ", data in " + baseDir
                + (restarts.get() == 0 ? "" : ", restarted " + restarts.get() + " time(s)");
    }

    @Override
    public Map<String, String> connectionProperties() {
        if (security == null) {
            return Map.of("elasticsearch.hosts", url());
        }
        return Map.of("elasticsearch.hosts", url(), "elasticsearch.username", security.user(),
                "elasticsearch.password", security.password(),
                "elasticsearch.ca-certificate", security.certificates().caPem().toString());
    }

    /** Stops the node for good (no restart) and removes its temp directory. */
    @Override
    public void close() {
        // seen by a start in progress, which holds the lock until the node is up: it stops waiting and cleans up
        closing = true;
        closeNode();
    }

    private synchronized void closeNode() {
        if (process == null) {
            return;
        }
        destroyTree();
        try {
            Directories.delete(baseDir.resolve("tmp"));
        } catch (IOException e) {
            LOG.warn("Could not remove Elasticsearch's temp directory {}: {}", baseDir.resolve("tmp"), e.getMessage());
        }
    }

    /** Stops the whole process tree: the launcher script, its CLI JVM and the server JVM. */
    private void destroyTree() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        process = null;
    }
}
