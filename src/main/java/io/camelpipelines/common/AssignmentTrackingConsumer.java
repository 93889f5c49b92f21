package io.camelpipelines.common;

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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer that knows its partitions' assignments, so that each record of a batch can be told apart from a
 * stale copy: camel-kafka's batching consumer keeps the records of a batch still being gathered across a rebalance,
 * while the consumer, given the partition again, fetches them anew from the last committed offset (or another
 * consumer does). Such a batch would hold records twice, or records of a partition this consumer no longer owns, and
 * a sink whose files are named by a batch's first offset (the lake) would then write a record into two files.
 * {@link AssignedCommits} notes each record's assignment as camel-kafka builds its exchange, right after the poll
 * that fetched it and before the next one (the only call in which a rebalance changes the assignment);
 * {@link #current} drops the records of an assignment that has ended.
 */
public class AssignmentTrackingConsumer extends KafkaConsumer<Object, Object> {

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

    /** The partition's current assignment (a number no other assignment in this JVM had), or null when not owned. */
    Long assignmentOf(TopicPartition partition) {
        return assignment.get(partition);
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
            if (r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT) instanceof AssignedCommits.Commit commit
                    && commit.assignment() != null
                    && commit.getCamelExchangePayload().consumer instanceof AssignmentTrackingConsumer consumer
                    && !commit.assignment().equals(consumer.assignmentOf(commit.getPartition()))) {
                continue;
            }
            kept.add(r);
        }
        return kept;
    }
}
