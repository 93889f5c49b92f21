package io.camelpipelines.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Last step of a batch sink: commits, for every partition in the batch, the offset after its last
 * record, once the sink write and the dead letters have succeeded. camel-kafka's batching consumer
 * commits nothing by itself with auto-commit off, and its manual commit covers one partition: this
 * commits them all.
 */
public class KafkaBatchCommit {

    @SuppressWarnings("unchecked")
    public void commit(Exchange exchange) {
        List<Exchange> records = exchange.getProperty(KafkaRecordBatch.RECORDS, List.class);
        if (records == null) {
            return;
        }
        Map<Integer, Exchange> lastPerPartition = new LinkedHashMap<>();
        for (Exchange r : records) {
            lastPerPartition.merge(r.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class), r,
                    (a, b) -> offset(b) > offset(a) ? b : a);
        }
        for (Exchange last : lastPerPartition.values()) {
            KafkaManualCommit commit = last.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("No manual commit on the Kafka record: the consumer needs "
                        + "allowManualCommit=true and autoCommitEnable=false");
            }
            commit.commit();
        }
    }

    private static long offset(Exchange e) {
        return e.getMessage().getHeader(KafkaConstants.OFFSET, Long.class);
    }
}
