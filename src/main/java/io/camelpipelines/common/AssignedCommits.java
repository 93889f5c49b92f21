package io.camelpipelines.common;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;

/**
 * camel-kafka's manual commit of each record, as its default factory makes it, carrying also the assignment of the
 * record's partition when the record was fetched: camel-kafka asks for it while it turns a poll's records into
 * exchanges, before its next poll, so the consumer's assignment then is the one the record was fetched under.
 * {@link AssignmentTrackingConsumer#current} compares it with the assignment a batch is written under. Found by the
 * Kafka components through autowiring (the registry holds one); a Kafka header per record did the same job before,
 * at about 5 % of the ticks' consumer thread.
 */
public final class AssignedCommits implements KafkaManualCommitFactory {

    /** A record's manual commit; {@code assignment} null when its consumer does not track assignments. */
    public static final class Commit extends DefaultKafkaManualSyncCommit {
        private final Long assignment;

        Commit(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager commitManager, Long assignment) {
            super(exchange, record, commitManager);
            this.assignment = assignment;
        }

        Long assignment() {
            return assignment;
        }
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record,
                                         CommitManager commitManager) {
        Long assignment = exchange.consumer instanceof AssignmentTrackingConsumer c ? c.assignmentOf(record.partition) : null;
        return new Commit(exchange, record, commitManager, assignment);
    }
}
