package io.camelpipelines.common;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;

/**
 * The Kafka clients of every {@code kafka:} endpoint, named after this instance: {@code <instance>-<group>-<n>}
 * for a consumer, {@code <instance>-producer-<n>}. A consumer group's description then says which instance owns
 * which partition (GET /api/cluster), where Kafka's default names ({@code consumer-<group>-<n>}) repeat in every JVM.
 * Consumers are {@link AssignmentTrackingConsumer}s, so a batch drops what a rebalance made stale.
 */
public final class InstanceKafkaClients extends DefaultKafkaClientFactory {

    private final String instanceId;
    private final AtomicInteger sequence = new AtomicInteger();

    public InstanceKafkaClients(String instanceId) {
        this.instanceId = instanceId;
    }

    @Override
    public Consumer getConsumer(Properties props) {
        if (props.getProperty(ConsumerConfig.CLIENT_ID_CONFIG) == null) {
            props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-"
                    + props.getProperty(ConsumerConfig.GROUP_ID_CONFIG, "consumer") + "-" + sequence.incrementAndGet());
        }
        return new AssignmentTrackingConsumer(props);
    }

    @Override
    public Producer getProducer(Properties props) {
        if (props.getProperty(ConsumerConfig.CLIENT_ID_CONFIG) == null) {
            props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, instanceId + "-producer-" + sequence.incrementAndGet());
        }
        return super.getProducer(props);
    }

    /** The instance a client of this naming belongs to, or null: the longest known instance id it starts with. */
    public static String instanceOf(String clientId, java.util.Collection<String> instances) {
        String best = null;
        for (String instance : instances) {
            if (clientId.startsWith(instance + "-") && (best == null || instance.length() > best.length())) {
                best = instance;
            }
        }
        return best;
    }
}
