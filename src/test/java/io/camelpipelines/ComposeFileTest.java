package io.camelpipelines;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run on these machines (no Docker), so its promises to profile {@code prod} are read from
 * the file itself: the services and their health checks and volumes, the ports and names application-prod.properties
 * connects to, the cluster's replication, TLS and SASL where prod expects them, and every secret it requires
 * named in the README's .env block.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private final Map<String, Object> compose = load();
    private final Map<String, Object> services = map(compose.get("services"));
    private final Properties prod = prod();

    @Test
    void everyServiceProdNeedsIsThereWithAHealthCheckAndAPersistentVolume() {
        assertThat(services.keySet()).contains("setup", "kafka-1", "kafka-2", "kafka-3", "kafka-remote", "postgres",
                "mongodb", "elasticsearch");
        Set<String> volumes = map(compose.get("volumes")).keySet();
        for (String name : List.of("kafka-1", "kafka-2", "kafka-3", "kafka-remote", "postgres", "mongodb", "elasticsearch")) {
            Map<String, Object> service = service(name);
            assertThat(map(service.get("healthcheck")).get("test")).as(name + " health check").isNotNull();
            List<String> named = list(service.get("volumes")).stream().map(Object::toString)
                    .map(v -> v.substring(0, v.indexOf(':'))).filter(volumes::contains).toList();
            assertThat(named).as(name + " keeps its data in a named volume").hasSize(1);
        }
        assertThat(list(service("kafka-remote").get("profiles"))).containsExactly("remote");
        for (String name : List.of("kafka-1", "kafka-2", "kafka-3", "elasticsearch")) {
            assertThat(map(map(service(name).get("depends_on")).get("setup")).get("condition"))
                    .as(name + " waits for its certificates").isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void threeBrokersReplicateEveryTopicThreeTimesOverSaslAndTls() {
        Set<String> nodeIds = new TreeSet<>();
        List<String> advertised = new ArrayList<>();
        for (String name : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, Object> env = map(service(name).get("environment"));
            nodeIds.add(env.get("KAFKA_NODE_ID").toString());
            assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").toString().split(",")).hasSize(3);
            assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR").toString()).isEqualTo("3");
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS").toString()).isEqualTo("2");
            assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").toString()).isEqualTo("3");
            assertThat(env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").toString()).contains("EXTERNAL:SASL_SSL",
                    "INTERNAL:SASL_SSL");
            Matcher external = Pattern.compile("EXTERNAL://([^,]+)").matcher(env.get("KAFKA_ADVERTISED_LISTENERS").toString());
            assertThat(external.find()).isTrue();
            advertised.add(external.group(1));
            String port = external.group(1).substring(external.group(1).indexOf(':') + 1);
            assertThat(list(service(name).get("ports"))).contains(port + ":" + port);
        }
        assertThat(nodeIds).hasSize(3);
        assertThat(Arrays.stream(prod.getProperty("kafka.brokers").split(",")).map(String::trim).toList())
                .containsExactlyElementsOf(advertised);
        assertThat(prod.getProperty("kafka.security-protocol")).isEqualTo("SASL_SSL");
        assertThat(prod.getProperty("kafka.topics.replication-factor")).isEqualTo("3");
        assertThat(prod.getProperty("kafka.topics.min-insync-replicas")).isEqualTo("2");
        // the CA prod trusts is the one setup writes into the directory compose mounts
        assertThat(prod.getProperty("kafka.ssl-truststore-location")).isEqualTo("certs/ca/ca.crt");
        assertThat(list(service("kafka-1").get("volumes"))).contains("./certs:/etc/kafka/secrets:ro");
        assertThat(map(service("kafka-1").get("environment")).get("KAFKA_SSL_TRUSTSTORE_LOCATION"))
                .isEqualTo("/etc/kafka/secrets/ca/ca.crt");
        assertThat(list(map(service("setup")).get("volumes"))).contains("./certs:/usr/share/elasticsearch/config/certs");
    }

    @Test
    void theOtherServicesListenWherProdConnects() {
        URI pg = URI.create(prod.getProperty("postgres.url").substring("jdbc:".length()));
        assertThat(list(service("postgres").get("ports"))).contains(pg.getPort() + ":5432");
        assertThat(map(service("postgres").get("environment")).get("POSTGRES_DB")).isEqualTo(pg.getPath().substring(1));
        assertThat(service("postgres").get("command").toString()).contains("wal_level=logical");

        URI mongo = URI.create(prod.getProperty("mongodb.uri"));
        assertThat(list(service("mongodb").get("ports"))).contains(mongo.getPort() + ":27017");
        assertThat(map(service("mongodb").get("environment"))).containsKey("MONGO_INITDB_ROOT_PASSWORD");

        URI es = URI.create(prod.getProperty("elasticsearch.hosts"));
        assertThat(es.getScheme()).isEqualTo("https");
        assertThat(list(service("elasticsearch").get("ports"))).contains(es.getPort() + ":9200");
        Map<String, Object> esEnv = map(service("elasticsearch").get("environment"));
        assertThat(esEnv).containsEntry("xpack.security.enabled", "true").containsEntry("xpack.security.http.ssl.enabled", "true")
                .containsKey("ELASTIC_PASSWORD");
        assertThat(prod.getProperty("elasticsearch.ca-certificate")).isEqualTo("certs/ca/ca.crt");

        Matcher remote = Pattern.compile(":(\\d+)}}$").matcher(prod.getProperty("product-views.remote.brokers"));
        assertThat(remote.find()).isTrue();
        assertThat(list(service("kafka-remote").get("ports"))).contains(remote.group(1) + ":" + remote.group(1));
        assertThat(prod.getProperty("product-views.remote.security-protocol")).contains("SASL_PLAINTEXT");
        assertThat(map(service("kafka-remote").get("environment")).get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").toString())
                .contains("EXTERNAL:SASL_PLAINTEXT");
    }

    @Test
    void everySecretComposeRequiresIsInTheReadmesEnvBlock() throws IOException {
        String text = Files.readString(COMPOSE);
        Set<String> required = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(text);
        while (m.find()) {
            required.add(m.group(1));
        }
        assertThat(required).contains("POSTGRES_PASSWORD", "MONGODB_PASSWORD", "ELASTIC_PASSWORD", "KAFKA_PASSWORD");
        String readme = Files.readString(Path.of("README.md"));
        for (String name : required) {
            assertThat(readme).as(name).containsPattern("(?m)^" + name + "=");
        }
        // and no secret is written into the file itself
        assertThat(text).doesNotContainPattern("(?i)password: [\"']?[a-z0-9]");
    }

    private Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        if (o == null) {
            return Map.of();
        }
        Map<String, Object> in = (Map<String, Object>) o;
        // YAML merge keys (<<: *anchor), which compose applies and YAML 1.2 leaves as a plain key
        Map<String, Object> out = new LinkedHashMap<>();
        if (in.get("<<") instanceof Map<?, ?> merged) {
            out.putAll(map(merged));
        }
        in.forEach((k, v) -> {
            if (!"<<".equals(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try {
            return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(COMPOSE));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties prod() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of("application-prod.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }
}
