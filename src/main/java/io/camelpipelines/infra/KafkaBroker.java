package io.camelpipelines.infra;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM.
 * Its log lives under the data directory, so topics and committed offsets survive a restart.
 * The local broker listens in plain text, or with SASL/PLAIN over TLS (pipelines.embedded.security); a broker standing
 * in for a remote cluster listens with SASL/PLAIN only, so its clients authenticate exactly as they would against the
 * real one.
 */
public class KafkaBroker implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    /** The threads inside {@link #start()}; see {@link #haltOnlyOutsideStarts()}. */
    private static final Set<Thread> STARTING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HALT_INSTALLED = new AtomicBoolean();

    private final String host;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final int partitions;
    private final Path logDir;
    private final String name;
    private final int nodeId;
    /** SASL/PLAIN: the client's user and password, and the properties that tell the application where it is. */
    private final Sasl sasl;
    /** TLS on the SASL listener: the server certificate, and the CA its clients are told to trust. */
    private final EmbeddedCertificates tls;
    private int port;
    private int controllerPort;
    /** The log cleaner's key map, per broker. */
    static final int DEDUPE_BUFFER_BYTES = 1024 * 1024 + 1024;

    private KafkaRaftServer server;
    private String jmxExclude = ".*";
    private Threads threads = Threads.EMBEDDED;
    /** Where a port requested as 0 comes from; tests hand out a taken one. */
    private ToIntFunction<String> freePort = Ports::free;
    private boolean startedOnce;

    /**
     * The broker's thread pools: request handlers ({@code num.io.threads}, one pool for the broker and one for its
     * controller), network threads per listener ({@code num.network.threads}) and its scheduler
     * ({@code background.threads}). Kafka's defaults (8, 3, 10) size a dedicated server; in this JVM two brokers
     * with them ran 64 threads, a fifth of the application's, on two cores that the pipelines share.
     */
    public record Threads(int io, int network, int background) {
        public static final Threads EMBEDDED = new Threads(2, 1, 2);

        public Threads {
            if (io < 1 || network < 1 || background < 1) {
                throw new IllegalArgumentException("A broker needs at least one thread in each pool: " + this);
            }
        }
    }

    /** A remote cluster's stand-in: its address goes to {@code brokersProperty}, the client's password to {@code passwordProperty}. */
    public record Sasl(String brokersProperty, String user, String passwordProperty, String password) {
        String brokerPassword() {
            // the broker's own inter-broker login, derived so it needs no setting of its own
            return Integer.toHexString(password.hashCode()) + "-" + password.length() + "-broker";
        }
    }

    public KafkaBroker(String host, int port, int controllerPort, int partitions, Path logDir) {
        this("kafka", 1, host, port, controllerPort, partitions, logDir, null, null);
    }

    public KafkaBroker(String name, int nodeId, String host, int port, int controllerPort, int partitions, Path logDir,
                       Sasl sasl) {
        this(name, nodeId, host, port, controllerPort, partitions, logDir, sasl, null);
    }

    public KafkaBroker(String name, int nodeId, String host, int port, int controllerPort, int partitions, Path logDir,
                       Sasl sasl, EmbeddedCertificates tls) {
        this.name = name;
        this.nodeId = nodeId;
        this.host = host;
        this.requestedPort = port;
        this.requestedControllerPort = controllerPort;
        this.partitions = partitions;
        this.logDir = logDir;
        this.sasl = sasl;
        this.tls = tls;
        if (tls != null && sasl == null) {
            throw new IllegalArgumentException("TLS is offered on the SASL listener only");
        }
    }

    /**
     * Which of the broker's own MBeans are not registered ({@code metrics.jmx.exclude}, a regular expression over their
     * names; empty registers them all). By default all of them are left out: the two embedded brokers registered 1,770 (one per
     * partition, request type and error code), seven in ten of this JVM's MBeans, and took half a second of the start
     * to do it, for metrics that a production broker shows in its own JVM, not in the application's. The clients'
     * MBeans (kafka.consumer, kafka.producer: lag, rates) are the clients' and stay.
     */
    public KafkaBroker jmxExclude(String regex) {
        this.jmxExclude = regex == null ? "" : regex;
        return this;
    }

    public KafkaBroker threads(Threads threads) {
        this.threads = threads;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Starts the broker and waits until it answers. A port picked here (requested as 0) is free when picked but
     * closed again until Kafka binds it, and another process may take it meanwhile: Kafka then fails with "a fatal
     * error while waiting for all of the SocketServer Acceptors to be started" (seen once in a crash test's start).
     * Before this broker ever ran, no client knows its ports yet, so such ports are picked again, up to three times.
     */
    @Override
    public void start() throws Exception {
        haltOnlyOutsideStarts();
        STARTING.add(Thread.currentThread());
        try {
            startPickingPortsAgain();
        } finally {
            STARTING.remove(Thread.currentThread());
        }
    }

    /**
     * Kafka's controller answers a failed start (its listener could not bind) by halting the JVM
     * ({@code ProcessTerminatingFaultHandler}): this application would end with exit code 1, its services and routes not
     * stopped, and no word of why beyond Kafka's own log line. A halt asked for by a thread that is starting a broker
     * of this JVM becomes an exception instead, so that start fails, or picks its ports again, like any other.
     * Everywhere else Kafka halts as it does by default.
     */
    private static void haltOnlyOutsideStarts() {
        if (HALT_INSTALLED.compareAndSet(false, true)) {
            Exit.setHaltProcedure((code, message) -> {
                if (STARTING.contains(Thread.currentThread())) {
                    throw new IllegalStateException("Kafka asked to halt the JVM (status " + code + ") while starting"
                            + (message == null ? "" : ": " + message));
                }
                Runtime.getRuntime().halt(code);
            });
        }
    }

    private void startPickingPortsAgain() throws Exception {
        for (int attempt = 1; ; attempt++) {
            // a restart keeps the ports it had, so clients reconnect to the same address
            IntSupplier free = () -> freePort.applyAsInt(host);
            port = Ports.keepOrClaim(host, port, requestedPort, "kafka.embedded.port", free);
            controllerPort = Ports.keepOrClaim(host, controllerPort, requestedControllerPort,
                    "kafka.embedded.controller-port", free);
            Files.createDirectories(logDir);
            KafkaConfig config = new KafkaConfig(brokerProperties(controllerPort), false);
            formatIfNew();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                // a halted start left its servers running: the broker's, or the controller's with its raft log
                close();
                boolean picked = requestedPort == 0 || requestedControllerPort == 0;
                if (startedOnce || !picked || attempt == 3 || !pickedPortTaken()) {
                    throw e;
                }
                LOG.warn("Embedded {}: a port picked for it was taken before it could bind it (attempt {} of 3); picking"
                        + " again. {}", name, attempt, EmbeddedInfrastructure.causes(e));
                port = requestedPort == 0 ? 0 : port;
                controllerPort = requestedControllerPort == 0 ? 0 : controllerPort;
                continue;
            }
            awaitReady();
            startedOnce = true;
            return;
        }
    }

    /**
     * Gives back the 8 MB buffers the broker's KRaft log kept after its start. Its client keeps up to five of them
     * for its appends (Kafka's BatchMemoryPool; neither the size nor the count is a setting), and the start's bursts
     * of metadata left two or three between the two brokers: 25 MB of live heap in 8 MB arrays, each taking three
     * of G1's 4 MB regions, the largest item in a heap dump of the running application. The controller's periodic
     * no-op record then takes one again and keeps reusing it. Reached through private fields (Kafka 3.9): a version
     * where they are not found keeps its buffers, and says so.
     *
     * @return the number of buffers given back, or -1 when they were not found
     */
    public int releaseIdleRaftBuffers() {
        if (server == null) {
            return 0;
        }
        try {
            // by name: kafka-raft is the broker's dependency, not one this code compiles against
            Object shared = field(server, KafkaRaftServer.class, "sharedServer");
            Object raftManager = shared.getClass().getMethod("raftManager").invoke(shared);
            Object client = raftManager.getClass().getMethod("client").invoke(raftManager);
            Object pool = field(client, client.getClass(), "memoryPool");
            if (!pool.getClass().getName().equals("org.apache.kafka.raft.internals.BatchMemoryPool")) {
                throw new NoSuchFieldException("memoryPool is a " + pool.getClass().getName());
            }
            int idle = ((java.util.Collection<?>) field(pool, pool.getClass(), "free")).size();
            pool.getClass().getMethod("releaseRetained").invoke(pool);
            return idle;
        } catch (ReflectiveOperationException | RuntimeException notThisVersion) {
            LOG.info("Embedded {}: its KRaft log's idle buffers are kept ({})", name, notThisVersion.toString());
            return -1;
        }
    }

    private static Object field(Object owner, Class<?> type, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(owner);
    }

    /**
     * Whether a port picked for this start is held by another process now that the failed start closed its own
     * sockets. Kafka's error says so for the broker's listener, but the controller's halt carries no cause at all.
     */
    private boolean pickedPortTaken() {
        return requestedPort == 0 && Ports.inUse(host, port) || requestedControllerPort == 0 && Ports.inUse(host, controllerPort);
    }

    KafkaBroker freePorts(ToIntFunction<String> source) {
        this.freePort = source;
        return this;
    }

    int controllerPort() {
        return controllerPort;
    }

    private String protocol() {
        return sasl == null ? "PLAINTEXT" : tls == null ? "SASL_PLAINTEXT" : "SASL_SSL";
    }

    private Properties brokerProperties(int controllerPort) throws java.io.IOException {
        Properties p = new Properties();
        String listener = protocol();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", nodeId + "@" + host + ":" + controllerPort);
        p.put("listeners", listener + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", listener + "://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        if (sasl != null) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("listener.name." + listener.toLowerCase() + ".plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                    + " required username=\"broker\" password=\"" + sasl.brokerPassword() + "\" user_broker=\""
                    + sasl.brokerPassword() + "\" user_" + sasl.user() + "=\"" + sasl.password() + "\";");
        }
        if (tls != null) {
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", tls.serverKeystore().toString());
            p.put("ssl.keystore.password", tls.keystorePassword());
            p.put("ssl.key.password", tls.keystorePassword());
            // the broker talks to itself over this listener too, and checks its own certificate like any client
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", tls.caPem().toString());
        }
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", String.valueOf(partitions));
        p.put("auto.create.topics.enable", "true");
        // a single node: every internal topic has one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "8");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.retention.hours", "168");
        // the log cleaner (it compacts __consumer_offsets) allocates its whole dedupe buffer on the heap at start:
        // 128 MB by default, per broker, live for the JVM's life. The keys of these compacted topics are consumer
        // group partitions and capture positions, a few hundred; just over Kafka's minimum (1 MB) maps 39,000 keys
        // per pass, and a log with more is compacted in more passes. 4 MB and its array header took three of G1's
        // 2 MB or two of its 4 MB regions (a humongous object, counted in the old generation's occupancy that
        // starts concurrent cycles); 1 MB is an ordinary object in a 4 MB region, as G1 picks for a heap over 4 GB.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(DEDUPE_BUFFER_BYTES));
        p.put("metrics.jmx.exclude", jmxExclude);
        p.put("num.io.threads", String.valueOf(threads.io()));
        p.put("num.network.threads", String.valueOf(threads.network()));
        p.put("background.threads", String.valueOf(threads.background()));
        return p;
    }

    private void formatIfNew() throws Exception {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        LOG.info("Formatting new Kafka storage in {}", logDir);
        new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setSupportedFeatures(Features.PRODUCTION_FEATURES)
                .setNodeId(nodeId)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true)
                .run();
    }

    private void awaitReady() throws Exception {
        Map<String, Object> client = new java.util.HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
        if (sasl != null) {
            client.putAll(clientSecurity(sasl.user(), sasl.password()));
            client.put("security.protocol", protocol());
        }
        if (tls != null) {
            client.put("ssl.truststore.type", "PEM");
            client.put("ssl.truststore.location", tls.caPem().toString());
        }
        try (Admin admin = Admin.create(client)) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
    }

    /** The client settings that log in to a SASL/PLAIN listener. */
    public static Map<String, Object> clientSecurity(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    public String bootstrap() {
        return host + ":" + port;
    }

    @Override
    public String address() {
        return bootstrap();
    }

    @Override
    public String description() {
        return "in-process broker (KRaft" + (sasl == null ? "" : tls == null ? ", SASL/PLAIN only" : ", SASL/PLAIN over TLS")
                + "), log in " + logDir;
    }

    @Override
    public Map<String, String> connectionProperties() {
        if (sasl == null) {
            return Map.of("kafka.brokers", bootstrap());
        }
        if (tls == null) {
            return Map.of(sasl.brokersProperty(), bootstrap(), sasl.passwordProperty(), sasl.password());
        }
        return Map.of("kafka.brokers", bootstrap(), "kafka.security-protocol", protocol(), "kafka.sasl-mechanism", "PLAIN",
                "kafka.login-module", "org.apache.kafka.common.security.plain.PlainLoginModule",
                "kafka.username", sasl.user(), "kafka.password", sasl.password(),
                "kafka.ssl-truststore-location", tls.caPem().toString(), "kafka.ssl-truststore-type", "PEM");
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
