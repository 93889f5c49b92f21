package io.camelpipelines.common;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer that stamps every record it returns with its partition's assignment: camel-kafka's batching
 * consumer keeps the records of a batch still being gathered across a rebalance, while the consumer, given the
 * partition again, fetches them anew from the last committed offset (or another consumer does). Such a batch would
 * hold records twice, or records of a partition this consumer no longer owns, and a sink whose files are named by a
 * batch's first offset (the lake) would then write a record into two files. {@link #current} drops them.
 */
public class AssignmentTrackingConsumer extends KafkaConsumer<Object, Object> {

    // not "camel...": camel-kafka drops such headers before they reach the exchange
    static final String ASSIGNMENT_HEADER = "pipelines.assignment";
    private static final AtomicLong ASSIGNMENTS = new AtomicLong();

    private final Map<TopicPartition, Long> assignment = new ConcurrentHashMap<>();

    public AssignmentTrackingConsumer(Properties properties) {
        super(properties);
    }

    @Override
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        super.subscribe(topics, tracking(listener));
    }

    @Override
    public void subscribe(Collection<String> topics) {
        super.subscribe(topics, tracking(null));
    }

    @Override
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        super.subscribe(pattern, tracking(listener));
    }

    @Override
    public void subscribe(Pattern pattern) {
        super.subscribe(pattern, tracking(null));
    }

    @Override
    public ConsumerRecords<Object, Object> poll(Duration timeout) {
        ConsumerRecords<Object, Object> records = super.poll(timeout);
        for (TopicPartition p : records.partitions()) {
            Long current = assignment.get(p);
            if (current == null) {
                continue;
            }
            byte[] stamp = ByteBuffer.allocate(Long.BYTES).putLong(current).array();
            for (ConsumerRecord<Object, Object> r : records.records(p)) {
                r.headers().add(ASSIGNMENT_HEADER, stamp);
            }
        }
        return records;
    }

    private ConsumerRebalanceListener tracking(ConsumerRebalanceListener delegate) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(assignment::remove);
                if (delegate != null) {
                    delegate.onPartitionsRevoked(partitions);
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(assignment::remove);
                if (delegate != null) {
                    delegate.onPartitionsLost(partitions);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                long id = ASSIGNMENTS.incrementAndGet();
                partitions.forEach(p -> assignment.put(p, id));
                if (delegate != null) {
                    delegate.onPartitionsAssigned(partitions);
                }
            }
        };
    }

    /**
     * The records of a batch fetched under their partition's current assignment, in order: those fetched before a
     * rebalance since then are fetched again (or by another consumer) and are dropped. Records of another consumer
     * are kept as they are.
     */
    public static List<Exchange> current(List<Exchange> records) {
        List<Exchange> kept = new ArrayList<>(records.size());
        for (Exchange r : records) {
            Object stamp = r.getMessage().removeHeader(ASSIGNMENT_HEADER);
            if (stamp instanceof byte[] b && b.length == Long.BYTES
                    && r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT) instanceof DefaultKafkaManualCommit commit
                    && commit.getCamelExchangePayload().consumer instanceof AssignmentTrackingConsumer consumer) {
                Long assigned = consumer.assignment.get(commit.getPartition());
                if (assigned == null || assigned != ByteBuffer.wrap(b).getLong()) {
                    continue;
                }
            }
            kept.add(r);
        }
        return kept;
    }
}
