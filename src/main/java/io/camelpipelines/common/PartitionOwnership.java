package io.camelpipelines.common;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the group coordinator, just before a sink replaces files, whether this consumer still owns the partitions of
 * its batch. A consumer that stalled past its session (a long pause, a cut network) does not know it was evicted and
 * that another instance now writes the same partitions from the same offsets; replacing files then would undo that
 * instance's. The question is a commit of each partition's first offset of the batch, where the group stands
 * already: the coordinator refuses it from a member of an old generation.
 */
public final class PartitionOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnership.class);

    private PartitionOwnership() {
    }

    /** True if this consumer is still the group's owner of every partition in the batch (or it cannot be asked). */
    public static boolean confirm(List<Exchange> records) {
        Consumer<?, ?> consumer = null;
        Map<TopicPartition, OffsetAndMetadata> first = new HashMap<>();
        for (Exchange r : records) {
            if (r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT) instanceof DefaultKafkaManualCommit commit) {
                consumer = commit.getCamelExchangePayload().consumer;
                first.merge(commit.getPartition(), new OffsetAndMetadata(commit.getRecordOffset()),
                        (a, b) -> a.offset() <= b.offset() ? a : b);
            }
        }
        if (consumer == null) {
            return true;
        }
        try {
            consumer.commitSync(first);
            return true;
        } catch (CommitFailedException | RebalanceInProgressException | FencedInstanceIdException e) {
            LOG.warn("Batch of partitions {} not written: this consumer no longer owns them ({}); the owner writes it",
                    first.keySet(), e.getMessage());
            return false;
        }
    }
}
