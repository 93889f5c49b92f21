package io.camelpipelines.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker of its own, apart from the suite's shared ones: its start is the subject. */
class KafkaBrokerIT {

    @TempDir
    Path logDir;

    @Test
    void aListenerPortTakenBeforeTheBrokerBindsItIsPickedAgainAndTheBrokerServes() throws Exception {
        // the first port picked is the listener's
        startWithTheNthPickTaken(1);
    }

    @Test
    void aControllerPortTakenBeforeTheBrokerBindsItIsPickedAgainInsteadOfKafkaHaltingTheJvm() throws Exception {
        // the second port picked is the controller's: Kafka's fault handler halts the JVM when that one fails
        startWithTheNthPickTaken(2);
    }

    private void startWithTheNthPickTaken(int n) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger picks = new AtomicInteger();
            KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, 0, 1, logDir, null)
                    .freePorts(host -> picks.incrementAndGet() == n ? taken.getLocalPort() : Ports.free(host));
            try {
                broker.start();
                assertThat(picks.get()).as("ports picked: two per attempt").isEqualTo(4);
                assertThat(broker.controllerPort()).isNotZero().isNotEqualTo(taken.getLocalPort());
                assertThat(broker.bootstrap()).doesNotEndWith(":" + taken.getLocalPort());
                assertThat(roundTrip(broker.bootstrap(), List.of("a", "b", "c"))).containsExactly("a", "b", "c");
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void aConfiguredPortThatIsTakenStopsTheStartWithTheSettingToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            KafkaBroker broker = new KafkaBroker("kafka-it", 1, "127.0.0.1", 0, taken.getLocalPort(), 1, logDir, null);
            assertThatThrownBy(broker::start).isInstanceOf(StartupFailure.class)
                    .hasMessageContaining("Port " + taken.getLocalPort())
                    .hasMessageContaining("kafka.embedded.controller-port");
            broker.close();
        }
    }

    private static List<String> roundTrip(String bootstrap, List<String> values) throws Exception {
        Properties p = new Properties();
        p.putAll(Map.of("bootstrap.servers", bootstrap, "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName()));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (String v : values) {
                producer.send(new ProducerRecord<>("retry-it", 0, null, v)).get();
            }
        }
        Properties c = new Properties();
        c.putAll(Map.of("bootstrap.servers", bootstrap, "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName(), "auto.offset.reset", "earliest"));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            TopicPartition tp = new TopicPartition("retry-it", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> read = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < values.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    read.add(r.value());
                }
            }
            return read;
        }
    }
}
