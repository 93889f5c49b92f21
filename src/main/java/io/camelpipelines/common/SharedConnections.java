package io.camelpipelines.common;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.es.ElasticsearchComponent;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.bson.Document;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

/**
 * The clients every pipeline shares, built from kafka.brokers, postgres.url, mongodb.uri and
 * elasticsearch.hosts (embedded or external alike), bound in the registry for routes, with one
 * health check per service; closed when Camel stops.
 */
@Configuration
public class SharedConnections implements CamelConfiguration {

    public static final String DATA_SOURCE = "dataSource";
    public static final String MONGO_CLIENT = "mongoClient";
    public static final String ES_CLIENT = "elasticsearchClient";
    public static final String METRICS = "pipelineMetrics";
    public static final String DEAD_LETTERS = "deadLetters";
    public static final String DLQ_REPLAY = "deadLetterReplay";
    public static final String PROGRESS = "pipelineProgress";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void configure(CamelContext context) {
        ensure(context);
    }

    /** What a pipeline's configuration uses of the shared clients. */
    public record Shared(DataSource dataSource, PipelineMetrics metrics, DeadLetterPublisher deadLetters,
                         ElasticsearchClient elasticsearch, KafkaClients kafka) {
    }

    /**
     * Builds and binds the shared clients once and returns them; pipeline configurations call it too,
     * because the order in which camel-main runs configuration classes is not defined.
     */
    public static synchronized Shared ensure(CamelContext context) {
        if (context.getRegistry().lookupByName(DATA_SOURCE) == null) {
            create(context);
        }
        var r = context.getRegistry();
        return new Shared(r.lookupByNameAndType(DATA_SOURCE, DataSource.class),
                r.lookupByNameAndType(METRICS, PipelineMetrics.class),
                r.lookupByNameAndType(DEAD_LETTERS, DeadLetterPublisher.class),
                r.lookupByNameAndType(ES_CLIENT, ElasticsearchClient.class),
                r.lookupByNameAndType(KafkaClients.BEAN_NAME, KafkaClients.class));
    }

    private static void create(CamelContext context) {
        Settings s = new Settings(context.getPropertiesComponent());
        // {{ms:<property>}} in routes: durations are written with their unit, endpoints get milliseconds
        context.getPropertiesComponent().addPropertiesFunction(new MillisFunction(context.getPropertiesComponent()));
        String pgUrl = s.get("postgres.url", "jdbc:postgresql://127.0.0.1:5433/pipelines");
        String mongoUri = s.get("mongodb.uri", "mongodb://127.0.0.1:27017");
        String esHosts = s.get("elasticsearch.hosts", "http://127.0.0.1:9200");
        String brokers = s.get("kafka.brokers", "127.0.0.1:9092");
        int timeoutMs = (int) s.getDuration("pipelines.health.timeout", java.time.Duration.ofSeconds(3)).toMillis();

        HikariDataSource dataSource = dataSource(s, pgUrl);
        MongoClientSettings.Builder mongoSettings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongoUri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS));
        // credentials from the environment rather than inside the URI, so the URI can sit in a file
        s.find("mongodb.username").ifPresent(user -> mongoSettings.credential(MongoCredential.createCredential(user,
                s.get("mongodb.auth-database", "admin"), s.get("mongodb.password", "").toCharArray())));
        MongoClient mongo = MongoClients.create(mongoSettings.build());
        Optional<String> esUser = s.find("elasticsearch.username");
        Optional<String> esPassword = s.find("elasticsearch.password");
        Optional<java.nio.file.Path> esCa = s.find("elasticsearch.ca-certificate").map(java.nio.file.Path::of);
        RestClient rest = RestClient.builder(Arrays.stream(esHosts.split(",")).map(String::trim).map(HttpHost::create)
                .toArray(HttpHost[]::new)).setHttpClientConfigCallback(http -> {
                    esUser.ifPresent(user -> {
                        BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                        credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(user, esPassword.orElse("")));
                        http.setDefaultCredentialsProvider(credentials);
                    });
                    esCa.ifPresent(ca -> http.setSSLContext(io.camelpipelines.infra.TrustedCertificates.sslContext(ca)));
                    return http;
                }).build();
        ElasticsearchClient es = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        KafkaClients kafka = KafkaClients.local(s);
        context.getRegistry().bind(KafkaClients.BEAN_NAME, kafka);
        KafkaTopics.ensure(kafka, KafkaTopics.wanted(s));
        Admin kafkaAdmin = Admin.create(kafka.config(kafkaAdminConfig(timeoutMs)));

        context.getRegistry().bind(DATA_SOURCE, dataSource);
        context.getRegistry().bind(MONGO_CLIENT, mongo);
        // not the shared client: an elasticsearch: producer closes the client it was given when its route stops,
        // so each one makes its own from these settings (and a route stopped and started again still works)
        context.getRegistry().bind("instanceKafkaClients",
                new InstanceKafkaClients(s.get("pipelines.instance-id", "camel-pipelines")));
        context.getRegistry().bind("assignedCommits", new AssignedCommits());
        ElasticsearchComponent esComponent = context.getComponent("elasticsearch", ElasticsearchComponent.class);
        esComponent.setHostAddresses(Arrays.stream(esHosts.split(",")).map(String::trim)
                .map(h -> h.replaceFirst("^https?://", "")).collect(java.util.stream.Collectors.joining(",")));
        esComponent.setEnableSSL(esHosts.contains("https://"));
        esUser.ifPresent(esComponent::setUser);
        esPassword.ifPresent(esComponent::setPassword);
        esCa.ifPresent(ca -> esComponent.setCertificatePath("file:" + ca.toAbsolutePath()));
        context.getRegistry().bind(ES_CLIENT, es);
        PipelineMetrics metrics = new PipelineMetrics(context);
        DeadLetterPublisher deadLetters = new DeadLetterPublisher(kafka, metrics);
        context.getRegistry().bind(METRICS, metrics);
        context.getRegistry().bind(DEAD_LETTERS, deadLetters);
        PipelineProgress progress = new PipelineProgress(context,
                s.getDuration("pipelines.progress.interval", java.time.Duration.ofSeconds(30)),
                java.time.Duration.ofSeconds(3));
        context.getRegistry().bind(PROGRESS, progress);
        try {
            context.addService(progress, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        context.getRegistry().bind(DLQ_REPLAY,
                new DeadLetterReplay(kafka, s.get("dlq.replay.group-prefix", "camel-pipelines-dlq-replay-")));
        context.getRegistry().bind("kafkaBatchCommit", new KafkaBatchCommit());
        context.getRegistry().bind("kafkaPollRetry", new KafkaPollRetry("the local Kafka cluster",
                s.get("kafka.brokers", "127.0.0.1:9092"), null, "kafka.brokers and camel.component.kafka.* security",
                s.getDuration("kafka.poll-retry.max-backoff", java.time.Duration.ofSeconds(10)),
                s.getDuration("kafka.poll-retry.remind-every", java.time.Duration.ofMinutes(5))));
        context.getRegistry().bind("kafkaMessages", new KafkaMessages());
        context.getRegistry().bind("batchFailureLog", new BatchFailureLog(
                s.getDuration("pipelines.errors.remind-every", java.time.Duration.ofMinutes(5))));
        context.getRegistry().bind("droppedRecords", new DroppedRecords(metrics));
        context.getRegistry().bind("staticFiles", new StaticFiles());

        HealthCheckRegistry health = HealthCheckHelper.getHealthCheckRegistry(context);
        // the supervising route controller's check, by its id: camel.main.load-health-checks would find it by reading
        // every entry of the 160 MB jar, 5 to 7 CPU-seconds of the start
        health.register(health.resolveById("route-controller"));
        health.register(new ServiceHealthCheck("kafka", brokers,
                () -> kafkaAdmin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size() + " broker(s)"));
        health.register(new ServiceHealthCheck("postgres", pgUrl, () -> {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version()")) {
                rs.next();
                return rs.getString(1);
            }
        }));
        health.register(new ServiceHealthCheck("mongodb", mongoUri, () -> mongo.getDatabase("admin")
                .withTimeout(timeoutMs, TimeUnit.MILLISECONDS).runCommand(new Document("ping", 1)).toJson()));
        health.register(new ServiceHealthCheck("elasticsearch", esHosts, () -> {
            // this distribution has no GET /, so the cluster health is the ping
            JsonNode h = JSON.readTree(rest.performRequest(new Request("GET", "/_cluster/health")).getEntity().getContent());
            if ("red".equals(h.path("status").asText())) {
                throw new IllegalStateException("cluster status red");
            }
            return "cluster " + h.path("cluster_name").asText() + " " + h.path("status").asText();
        }));

        // every instance with this configuration is a member; the singleton routes run on one of them at a time
        PostgresClusterService cluster = new PostgresClusterService(s.get("pipelines.instance-id", "camel-pipelines"),
                pgUrl, s.find("postgres.user").orElse(null), s.find("postgres.password").orElse(null),
                s.getDuration("pipelines.cluster.poll-interval", java.time.Duration.ofSeconds(2)),
                s.getDuration("pipelines.cluster.takeover-delay", java.time.Duration.ofSeconds(4)));
        // an embedded PostgreSQL is this instance's alone (its data directory is locked to it): no other instance can
        // share the work, and a database outage must not stop the singletons (the Binance reader cannot replay)
        Singletons singletons = new Singletons(java.util.Arrays.stream(s.get("pipelines.cluster.singletons", "")
                .split(",")).map(String::trim).filter(id -> !id.isEmpty()).collect(java.util.stream.Collectors.toSet()),
                cluster, embeddedPostgres(context));
        context.getRegistry().bind(Singletons.BEAN_NAME, singletons);
        context.getRegistry().bind("clusterStatus", new ClusterStatus(context, singletons));
        // first of all route policies: the supervising route controller must see these routes as not auto-starting
        // (the cluster's policy starts them where their leader is), or it would start them on every instance
        context.getRoutePolicyFactories().add(0, singletons);
        try {
            context.addService(cluster, true, true);
            context.addService(new Closer(List.of(deadLetters, kafkaAdmin, rest, mongo, dataSource)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The embedded PostgreSQL serves this instance only (its data directory is locked to it). */
    private static boolean embeddedPostgres(CamelContext context) {
        var infrastructure = context.getRegistry().lookupByNameAndType(
                io.camelpipelines.infra.EmbeddedInfrastructure.BEAN_NAME, io.camelpipelines.infra.EmbeddedInfrastructure.class);
        return infrastructure != null && infrastructure.describe().stream()
                .anyMatch(row -> "postgres".equals(row.get("service")) && !"external".equals(row.get("mode")));
    }

    private static HikariDataSource dataSource(Settings s, String url) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("postgres");
        c.setJdbcUrl(url);
        s.find("postgres.user").ifPresent(c::setUsername);
        s.find("postgres.password").ifPresent(c::setPassword);
        c.setMaximumPoolSize(s.getInt("postgres.pool.size", 10));
        c.setConnectionTimeout(s.getDuration("postgres.pool.connect-timeout", java.time.Duration.ofSeconds(5)).toMillis());
        // start even when the database is down: its health check says so and routes retry
        c.setInitializationFailTimeout(-1);
        // turns a JDBC batch of INSERTs into multi-row INSERTs: several times fewer round trips
        c.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(c);
    }

    private static Map<String, Object> kafkaAdminConfig(int timeoutMs) {
        return Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000",
                AdminClientConfig.CLIENT_ID_CONFIG, "camel-pipelines-health");
    }

    /** Closes the shared clients after the routes that use them have stopped. */
    private static final class Closer extends ServiceSupport {
        private final List<AutoCloseable> resources;

        Closer(List<AutoCloseable> resources) {
            this.resources = resources;
        }

        @Override
        protected void doStop() {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    // stopping: nothing more useful to do than go on with the next one
                }
            }
        }
    }
}
