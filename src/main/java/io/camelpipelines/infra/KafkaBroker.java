package io.camelpipelines.infra;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM.
 * Its log lives under the data directory, so topics and committed offsets survive a restart.
 */
public class KafkaBroker implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    private final String host;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final int partitions;
    private final Path logDir;
    private int port;
    private int controllerPort;
    private KafkaRaftServer server;

    public KafkaBroker(String host, int port, int controllerPort, int partitions, Path logDir) {
        this.host = host;
        this.requestedPort = port;
        this.requestedControllerPort = controllerPort;
        this.partitions = partitions;
        this.logDir = logDir;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start() throws Exception {
        // a restart keeps the ports it had, so clients reconnect to the same address
        port = Ports.claim(host, port != 0 ? port : requestedPort, "kafka.embedded.port");
        controllerPort = Ports.claim(host, controllerPort != 0 ? controllerPort : requestedControllerPort,
                "kafka.embedded.controller-port");
        Files.createDirectories(logDir);
        KafkaConfig config = new KafkaConfig(brokerProperties(controllerPort), false);
        formatIfNew();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    private Properties brokerProperties(int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDir.toString())
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName("CONTROLLER")
                .setIgnoreFormatted(true)
                .run();
    }

    private void awaitReady() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        }
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
        return "in-process broker (KRaft), log in " + logDir;
    }

    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("kafka.brokers", bootstrap());
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
