package io.camelpipelines.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last step of a batch sink: commits, for every partition in the batch, the offset after its last
 * record, once the sink write and the dead letters have succeeded. camel-kafka's batching consumer
 * commits nothing by itself with auto-commit off, and its manual commit covers one partition: this
 * commits them all, in one request.
 */
public class KafkaBatchCommit {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchCommit.class);

    @SuppressWarnings("unchecked")
    public void commit(Exchange exchange) {
        List<Exchange> records = exchange.getProperty(KafkaRecordBatch.RECORDS, List.class);
        if (records == null) {
            return;
        }
        // a partition's records come in offset order (AssignmentTrackingConsumer.current dropped any fetched twice),
        // so its last record is the first one met from the end: one header read per record
        Map<Integer, Exchange> lastPerPartition = new LinkedHashMap<>();
        for (int i = records.size() - 1; i >= 0; i--) {
            Exchange r = records.get(i);
            lastPerPartition.putIfAbsent(r.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class), r);
        }
        List<KafkaManualCommit> commits = new ArrayList<>(lastPerPartition.size());
        for (Exchange last : lastPerPartition.values()) {
            KafkaManualCommit commit = last.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("No manual commit on the Kafka record: the consumer needs "
                        + "allowManualCommit=true and autoCommitEnable=false");
            }
            commits.add(commit);
        }
        Consumer<?, ?> consumer = sharedConsumer(commits);
        if (consumer != null) {
            // one request for every partition of the batch, as a hand-written loop's commitSync() makes: camel-kafka's
            // manual commit makes one per partition, a round trip to the broker each
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (KafkaManualCommit c : commits) {
                DefaultKafkaManualCommit d = (DefaultKafkaManualCommit) c;
                offsets.put(d.getPartition(), new OffsetAndMetadata(d.getRecordOffset() + 1));
            }
            commit(offsets.keySet(), () -> consumer.commitSync(offsets,
                    Duration.ofMillis(((DefaultKafkaManualCommit) commits.get(0)).getCommitTimeout())));
        } else {
            for (KafkaManualCommit c : commits) {
                commit(c instanceof DefaultKafkaManualCommit d ? d.getPartition() : c, c::commit);
            }
        }
    }

    /** The consumer every commit goes through, when there is one and camel-kafka shows it; else null. */
    private static Consumer<?, ?> sharedConsumer(List<KafkaManualCommit> commits) {
        Consumer<?, ?> shared = null;
        for (KafkaManualCommit c : commits) {
            if (!(c instanceof DefaultKafkaManualCommit d) || d.getConsumer() == null
                    || (shared != null && d.getConsumer() != shared)) {
                return null;
            }
            shared = d.getConsumer();
        }
        return shared;
    }

    private static void commit(Object partitions, Runnable commit) {
        try {
            commit.run();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partition moved to another consumer of the group while the batch was written: that
            // consumer starts from the last committed offset, and the idempotent sink absorbs the repeat.
            // Retrying here would block this consumer's poll loop, which must run to rejoin the group.
            LOG.warn("Offsets of {} not committed, the partition was reassigned: {}", partitions, e.getMessage());
        }
    }
}
