package io.camelpipelines.infra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts, before Camel configures its components, every service whose connection property is not set
 * (kafka.brokers, postgres.url, mongodb.uri, elasticsearch.hosts), then sets those properties to the
 * embedded addresses; stops the services after Camel has stopped its routes.
 */
public class EmbeddedInfrastructure extends MainListenerSupport {

    public static final String BEAN_NAME = "embeddedInfrastructure";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

    private final List<EmbeddedService> running = new ArrayList<>();
    private final List<Behind> behind = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, String> external = new LinkedHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile FileLock dataDirLock;
    private volatile StartupFailure startFailure;
    private volatile boolean stopping;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        PropertiesComponent pc = context.getPropertiesComponent();
        Settings settings = new Settings(pc);
        long started = System.nanoTime();
        startPlanned(settings);
        Properties overrides = new Properties();
        if (main.getOverrideProperties() != null) {
            overrides.putAll(main.getOverrideProperties());
        }
        running.forEach(s -> overrides.putAll(s.connectionProperties()));
        pc.setOverrideProperties(overrides);
        context.getRegistry().bind(BEAN_NAME, this);
        LOG.info("Services ({} ms){}:\n{}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                behind.isEmpty() ? "" : ", still starting: " + behind.stream().map(b -> b.service().name()).toList(),
                table());
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAfterCamel, "embedded-infrastructure-stop"));
        stopIfOneFailsBehind(() -> {
            if (main instanceof org.apache.camel.main.MainSupport m) {
                m.completed();
            }
        });
    }

    /**
     * A service that failed to start behind Camel stops the application, as one failing before it would; one stopped
     * because the application stops is no failure. Returns the thread that watches, null when none starts behind.
     */
    Thread stopIfOneFailsBehind(Runnable stopApplication) {
        if (behind.isEmpty()) {
            return null;
        }
        Thread watch = new Thread(() -> {
            try {
                awaitStarted(Duration.ofDays(1));
            } catch (StartupFailure e) {
                if (stopping) {
                    // stopped (Ctrl-C, SIGTERM) while it was still starting: not a failure
                    return;
                }
                startFailure = e;
                LOG.error("Cannot start: {}", e.getMessage());
                stopApplication.run();
            } catch (Exception e) {
                // interrupted or a day passed: the node's own start timeout ends a start long before that
            }
        }, "embedded-start-watch");
        watch.setDaemon(true);
        watch.start();
        return watch;
    }

    /** Why a service that started behind Camel failed, which stopped the application; null if none did. */
    public StartupFailure startFailure() {
        return startFailure;
    }

    /**
     * Only the services, without an application (the {@code services} command): starts them and writes their
     * connection properties as environment variables to {@code envFile}, readable by its owner only.
     */
    public void startOnly(Settings settings, Path envFile) throws Exception {
        startPlanned(settings);
        awaitStarted(Duration.ofDays(1));
        LOG.info("Services:\n{}", table());
        Map<String, String> properties = new java.util.TreeMap<>();
        synchronized (running) {
            running.forEach(s -> properties.putAll(s.connectionProperties()));
        }
        StringBuilder env = new StringBuilder("# written by 'java -jar camel-pipelines.jar services': the services' addresses"
                + " and credentials\n");
        properties.forEach((k, v) -> env.append(k.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'))
                .append("='").append(v.replace("'", "'\\''")).append("'\n"));
        java.nio.file.Files.createDirectories(envFile.getParent());
        // owner-only from its first byte, and renamed into place whole: a reader never sees half of it
        Path partial = envFile.resolveSibling(envFile.getFileName() + ".partial");
        java.nio.file.Files.deleteIfExists(partial);
        java.nio.file.Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(partial, env);
        java.nio.file.Files.move(partial, envFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The embedded services this configuration asks for; the others are reached at their configured address. */
    List<EmbeddedService> planned(Settings s) {
        String host = s.get("pipelines.embedded.host", "127.0.0.1");
        Path dataDir = s.getPath("pipelines.data-dir", "data");
        List<EmbeddedService> plan = new ArrayList<>();
        // as production runs them: Kafka with SASL over TLS, Elasticsearch with HTTPS and a user, PostgreSQL with
        // password authentication; the passwords are made up at each start unless given
        boolean secured = s.getBoolean("pipelines.embedded.security", false);
        EmbeddedCertificates certificates = secured ? certificates(dataDir.resolve("certs"), host) : null;
        // Elasticsearch first: it takes longest, the others start while it boots
        if (embedded("elasticsearch", "elasticsearch.hosts", s)) {
            plan.add(new ElasticsearchNode(host,
                    s.getInt("elasticsearch.embedded.port", 9200),
                    s.getPath("elasticsearch.embedded.home", "target/elasticsearch"),
                    dataDir.resolve("elasticsearch"),
                    s.get("elasticsearch.embedded.heap", "512m"),
                    s.get("elasticsearch.embedded.jvm-options", ""),
                    s.get("elasticsearch.embedded.user", "camel-pipelines-es"),
                    s.getDuration("elasticsearch.embedded.start-timeout", Duration.ofSeconds(120)),
                    secured ? new ElasticsearchNode.Security(certificates,
                            s.get("elasticsearch.username", "camel-pipelines"), secret(s, "elasticsearch.password"))
                            : null));
        }
        String brokerJmxExclude = s.get("kafka.embedded.jmx-exclude", ".*");
        KafkaBroker.Threads defaults = KafkaBroker.Threads.EMBEDDED;
        KafkaBroker.Threads brokerThreads = new KafkaBroker.Threads(
                s.getInt("kafka.embedded.io-threads", defaults.io()),
                s.getInt("kafka.embedded.network-threads", defaults.network()),
                s.getInt("kafka.embedded.background-threads", defaults.background()));
        if (embedded("kafka", "kafka.brokers", s)) {
            plan.add(new KafkaBroker("kafka", 1, host,
                    s.getInt("kafka.embedded.port", 9092),
                    s.getInt("kafka.embedded.controller-port", 0),
                    s.getInt("kafka.embedded.partitions", 4),
                    dataDir.resolve("kafka"),
                    secured ? new KafkaBroker.Sasl("kafka.brokers", s.get("kafka.username", "camel-pipelines"),
                            "kafka.password", secret(s, "kafka.password")) : null,
                    certificates).jmxExclude(brokerJmxExclude).threads(brokerThreads));
        }
        // product-views reads a remote cluster; unless one is named, a second broker stands in for it, with SASL
        if (s.getBoolean("product-views.enabled", true)
                && embedded("kafka-remote", "product-views.remote.brokers", s)) {
            String password = s.find("product-views.remote.password")
                    .orElseGet(() -> java.util.UUID.randomUUID().toString());
            plan.add(new KafkaBroker("kafka-remote", 2, host,
                    s.getInt("product-views.remote.embedded.port", 9093), 0,
                    s.getInt("kafka.embedded.partitions", 4), dataDir.resolve("kafka-remote"),
                    new KafkaBroker.Sasl("product-views.remote.brokers", s.get("product-views.remote.username",
                            "product-views-bridge"), "product-views.remote.password", password))
                    .jmxExclude(brokerJmxExclude).threads(brokerThreads));
        }
        if (embedded("postgres", "postgres.url", s)) {
            plan.add(new PostgresServer(host,
                    s.getInt("postgres.embedded.port", 5433),
                    dataDir.resolve("postgres"),
                    s.getPath("postgres.embedded.binaries", "target/postgres"),
                    s.get("postgres.embedded.database", "pipelines"),
                    s.get("postgres.embedded.user", "pipelines"),
                    secured ? secret(s, "postgres.password") : s.get("postgres.embedded.password", "pipelines"),
                    secured));
        }
        if (embedded("mongodb", "mongodb.uri", s)) {
            plan.add(new MongoWireServer(host,
                    s.getInt("mongodb.embedded.port", 27017)));
        }
        return plan;
    }

    private static EmbeddedCertificates certificates(Path dir, String host) {
        try {
            return new EmbeddedCertificates(dir, host).ensure();
        } catch (StartupFailure e) {
            throw e;
        } catch (Exception e) {
            throw new StartupFailure("Cannot make the embedded services' certificates in " + dir + ": " + e, e);
        }
    }

    /** The password a secured embedded service is given: the configured one, or one made up for this run. */
    private static String secret(Settings s, String property) {
        return s.find(property).orElseGet(() -> java.util.UUID.randomUUID().toString());
    }

    /** True when the service's connection property is unset; otherwise records it as external. */
    private boolean embedded(String name, String property, Settings s) {
        s.find(property).ifPresent(address -> external.put(name, Secrets.mask(address)));
        return !external.containsKey(name);
    }

    /**
     * The embedded services keep their state in the data directory and listen on fixed ports: one instance at a time.
     * A second one on the same directory stops here with the first one's name, before it could touch its files.
     */
    private void startPlanned(Settings settings) {
        List<EmbeddedService> plan = planned(settings);
        if (!plan.isEmpty()) {
            Path dataDir = settings.getPath("pipelines.data-dir", "data");
            Path file = dataDir.resolve("embedded.lock");
            try {
                dataDirLock = FileLock.tryAcquire(file, "pid " + ProcessHandle.current().pid() + " (instance "
                        + settings.get("pipelines.instance-id", "?") + ") since " + java.time.Instant.now())
                        .orElseThrow(() -> new StartupFailure("Another camel-pipelines runs the embedded services"
                                + " of " + dataDir.toAbsolutePath() + ": " + FileLock.holder(file) + ". Embedded mode is"
                                + " one instance: stop that one, give this one its own pipelines.data-dir, or run"
                                + " several instances against external services (kafka.brokers, postgres.url,"
                                + " mongodb.uri, elasticsearch.hosts)"));
            } catch (java.io.IOException e) {
                throw new StartupFailure("Cannot lock " + file + ": " + e.getMessage()
                        + " (set pipelines.data-dir to a writable directory)");
            }
        }
        start(plan);
    }

    /**
     * Starts all in parallel and returns when those the routes need are up; if one fails, stops those that did start
     * and reports the first failure. A service the routes need not wait for is reserved (its address fixed) here and
     * goes on starting behind Camel's own start; {@link #awaitStarted} waits for it.
     */
    void start(List<EmbeddedService> plan) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, plan.size()), r -> {
            Thread t = new Thread(r, "embedded-start");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> awaited = new ArrayList<>();
        List<EmbeddedService> awaitedServices = new ArrayList<>();
        try {
            // all addresses fixed before anything starts: an address that cannot be had leaves nothing to stop
            for (EmbeddedService s : plan) {
                if (!s.awaitedBeforeRoutes()) {
                    reserve(s);
                }
            }
            for (EmbeddedService s : plan) {
                Future<?> started = pool.submit(() -> {
                    LOG.info("Starting embedded {}", s.name());
                    s.start();
                    if (!s.awaitedBeforeRoutes()) {
                        LOG.info("Embedded {} is up at {}", s.name(), s.address());
                    }
                    return null;
                });
                if (s.awaitedBeforeRoutes()) {
                    awaited.add(started);
                    awaitedServices.add(s);
                } else {
                    behind.add(new Behind(s, started));
                }
                synchronized (running) {
                    running.add(s);
                }
            }
            StartupFailure failure = null;
            for (int i = 0; i < awaited.size(); i++) {
                try {
                    awaited.get(i).get();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = asStartupFailure(awaitedServices.get(i), e);
                    }
                }
            }
            if (failure != null) {
                close();
                throw failure;
            }
        } finally {
            // its threads end with the starts they run; no new ones
            pool.shutdown();
        }
    }

    private static void reserve(EmbeddedService s) {
        try {
            s.reserve();
        } catch (Exception e) {
            throw asStartupFailure(s, e);
        }
    }

    /** A service still starting after the routes' services were up. */
    private record Behind(EmbeddedService service, Future<?> started) {
    }

    /**
     * Waits until the services that start behind Camel are up too; throws the first one's failure (as a
     * {@link StartupFailure}), after which the application stops. Returns at once when there are none.
     */
    public void awaitStarted(Duration timeout) throws java.util.concurrent.TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Behind b : behind) {
            try {
                b.started().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw asStartupFailure(b.service(), e);
            }
        }
    }

    private static StartupFailure asStartupFailure(EmbeddedService s, Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
        StartupFailure known = StartupFailure.find(cause);
        if (known != null) {
            return known;
        }
        return new StartupFailure("Embedded " + s.name() + " failed to start: " + causes(cause)
                + " (or set its connection property to use an external one)", cause);
    }

    /**
     * The exception and what caused it, outermost first: a service's own message often says only that a step failed
     * ("a fatal error while waiting for all of the SocketServer Acceptors to be started"), its causes say which
     * (the listener, the address it could not bind).
     */
    static String causes(Throwable t) {
        StringBuilder text = new StringBuilder(String.valueOf(t));
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(t);
        for (Throwable c = t.getCause(); c != null && seen.add(c) && seen.size() <= 5; c = c.getCause()) {
            text.append(", caused by ").append(c);
        }
        return text.toString();
    }

    /** One row per service: name, address, how it runs. Also served by the platform-services route. */
    public List<Map<String, String>> describe() {
        List<Map<String, String>> rows = new ArrayList<>();
        synchronized (running) {
            for (EmbeddedService s : running) {
                rows.add(Map.of("service", s.name(), "address", s.address(), "mode", s.description()));
            }
        }
        external.forEach((name, address) -> rows.add(Map.of("service", name, "address", address, "mode", "external")));
        return rows;
    }

    private String table() {
        List<Map<String, String>> rows = describe();
        int w1 = 13;
        int w2 = rows.stream().mapToInt(r -> r.get("address").length()).max().orElse(10);
        StringBuilder sb = new StringBuilder();
        String fmt = "  %-" + w1 + "s  %-" + w2 + "s  %s%n";
        sb.append(String.format(fmt, "SERVICE", "ADDRESS", "MODE"));
        rows.forEach(r -> sb.append(String.format(fmt, r.get("service"), r.get("address"), r.get("mode"))));
        return sb.toString();
    }

    /** Before the heap is trimmed ({@link HeapTrim}, a listener after this one): what the brokers' start left idle. */
    @Override
    public void afterStart(BaseMainSupport main) {
        List<KafkaBroker> brokers;
        synchronized (running) {
            brokers = running.stream().filter(KafkaBroker.class::isInstance).map(KafkaBroker.class::cast).toList();
        }
        int released = brokers.stream().mapToInt(KafkaBroker::releaseIdleRaftBuffers).filter(n -> n > 0).sum();
        if (released > 0) {
            LOG.info("Embedded Kafka: {} idle 8 MB buffers of the KRaft log given back", released);
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        close();
    }

    /**
     * On SIGTERM Camel's own hook stops the routes; this one waits for that (and for afterStop) so the
     * services outlive the routes that use them, and stops them itself if Camel never gets there.
     */
    private void closeAfterCamel() {
        try {
            if (!closed.await(90, TimeUnit.SECONDS)) {
                LOG.warn("Camel did not stop within 90 s; stopping embedded services anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Stops every started service, in the reverse of the start order. */
    public void close() {
        stopping = true;
        List<EmbeddedService> toStop;
        synchronized (running) {
            toStop = new ArrayList<>(running);
            running.clear();
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            EmbeddedService s = toStop.get(i);
            try {
                LOG.info("Stopping embedded {}", s.name());
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("Embedded {} did not stop cleanly: {}", s.name(), e.getMessage());
            }
        }
        if (dataDirLock != null) {
            dataDirLock.close();
            dataDirLock = null;
        }
        closed.countDown();
    }

    /** The running embedded service of that name, for tests that take one away and bring it back. */
    public EmbeddedService service(String name) {
        synchronized (running) {
            return running.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }
    }
}
