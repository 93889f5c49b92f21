package io.camelpipelines.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBatchCommitTest {

    /** Counts the commit requests a real consumer would send to the broker. */
    static final class CountingConsumer extends MockConsumer<Object, Object> {
        final List<Map<TopicPartition, OffsetAndMetadata>> requests = new ArrayList<>();

        CountingConsumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            requests.add(Map.copyOf(offsets));
            super.commitSync(offsets, timeout);
        }
    }

    @Test
    void commitsTheOffsetAfterEachPartitionsLastRecordInOneRequest() {
        DefaultCamelContext context = new DefaultCamelContext();
        CountingConsumer consumer = new CountingConsumer();
        TopicPartition p0 = new TopicPartition("clicks", 0);
        TopicPartition p1 = new TopicPartition("clicks", 1);
        TopicPartition p2 = new TopicPartition("clicks", 2);
        consumer.assign(List.of(p0, p1, p2));
        // a batch as camel-kafka hands it over: partitions interleaved, each in offset order
        long[][] records = {{0, 10}, {1, 7}, {0, 11}, {2, 3}, {1, 8}, {0, 12}, {1, 9}};
        List<Exchange> batch = new ArrayList<>();
        for (long[] r : records) {
            TopicPartition tp = new TopicPartition("clicks", (int) r[0]);
            Exchange e = new DefaultExchange(context);
            e.getMessage().setHeader(KafkaConstants.PARTITION, (int) r[0]);
            e.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualSyncCommit(
                    new KafkaManualCommitFactory.CamelExchangePayload(e, consumer, "t", null),
                    new KafkaManualCommitFactory.KafkaRecordPayload(tp, r[1], 10_000), null));
            batch.add(e);
        }
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(KafkaRecordBatch.RECORDS, batch);

        new KafkaBatchCommit().commit(exchange);

        assertThat(consumer.requests).hasSize(1);
        assertThat(consumer.committed(java.util.Set.of(p0, p1, p2))).isEqualTo(Map.of(
                p0, new OffsetAndMetadata(13), p1, new OffsetAndMetadata(10), p2, new OffsetAndMetadata(4)));
    }
}
