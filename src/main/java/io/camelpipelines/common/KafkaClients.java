package io.camelpipelines.common;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.camelpipelines.infra.Settings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * How the application's own Kafka clients (dead letters, DLQ replay, the capture's transactional producer, the
 * bridge's forwarder, admin) reach the local cluster: its address and its security, read from the same
 * {@code kafka.*} properties that application.properties hands to every {@code kafka:} endpoint
 * (camel.component.kafka.security-protocol and friends), so both kinds of client log in alike.
 */
public final class KafkaClients {

    public static final String BEAN_NAME = "kafkaClients";

    private final String brokers;
    private final Map<String, Object> connection;
    private final String compression;

    private KafkaClients(String brokers, Map<String, Object> connection, String compression) {
        this.brokers = brokers;
        this.connection = Map.copyOf(connection);
        this.compression = compression;
    }

    /** The local cluster of these settings: kafka.brokers and kafka.security-protocol, kafka.sasl-*, kafka.ssl-*. */
    public static KafkaClients local(Settings s) {
        String brokers = s.get("kafka.brokers", "127.0.0.1:9092");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, brokers);
        String protocol = s.get("kafka.security-protocol", "PLAINTEXT");
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (protocol.startsWith("SASL_")) {
            c.put(SaslConfigs.SASL_MECHANISM, s.get("kafka.sasl-mechanism", "PLAIN"));
            c.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(s.get("kafka.login-module",
                    "org.apache.kafka.common.security.plain.PlainLoginModule"),
                    s.get("kafka.username", ""), s.get("kafka.password", "")));
        }
        if (protocol.endsWith("SSL")) {
            s.find("kafka.ssl-truststore-location").ifPresent(l -> {
                c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, l);
                c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, s.get("kafka.ssl-truststore-type", "PEM"));
                s.find("kafka.ssl-truststore-password").ifPresent(p -> c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, p));
            });
        }
        return new KafkaClients(brokers, c, s.get("camel.component.kafka.compression-codec", "snappy"));
    }

    /** A login module's JAAS line; the quotes in a password are escaped as the JAAS parser expects. */
    public static String jaasConfig(String loginModule, String user, String password) {
        return loginModule + " required username=\"" + escape(user) + "\" password=\"" + escape(password) + "\";";
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    public String brokers() {
        return brokers;
    }

    /**
     * A producer's settings: {@link #config(Map)}, compressing with the codec the routes' producers use
     * (camel.component.kafka.compression-codec), so one setting covers every batch this application writes to Kafka.
     */
    public Map<String, Object> producerConfig(Map<String, Object> own) {
        Map<String, Object> out = config(own);
        out.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        return out;
    }

    /** Address and security, plus a client's own settings (which may not override the security ones). */
    public Map<String, Object> config(Map<String, Object> own) {
        Map<String, Object> out = new HashMap<>(own);
        out.putAll(connection);
        return out;
    }

    public Map<String, Object> config() {
        return new HashMap<>(connection);
    }
}
