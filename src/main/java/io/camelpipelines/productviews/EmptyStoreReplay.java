package io.camelpipelines.productviews;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.camelpipelines.common.TopicOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Refills a store that starts empty (the embedded MongoDB always does) from its topic, Kafka being the source of
 * truth: the store's consumer group is moved back before its route starts. Without a bound on the store it reads the
 * topic from the beginning; with one ({@code max-views}), each partition from its share of that many latest records,
 * as the retention would delete the earlier ones at once and the heap could not hold them all. The store is idempotent
 * by {@code _id}, so a store that was merely empty loses nothing and doubles nothing.
 */
final class EmptyStoreReplay {

    private static final long TIMEOUT_S = 30;

    private EmptyStoreReplay() {
    }

    /** Moves the group back; says from where, for the log, or null when there is nothing to replay. */
    static String rewind(Admin admin, String group, String topic, long maxRecords) throws Exception {
        if (maxRecords <= 0) {
            try {
                admin.deleteConsumerGroups(List.of(group)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            return "the beginning of " + topic;
        }
        List<TopicPartition> partitions = TopicOffsets.partitions(admin, topic);
        if (partitions.isEmpty()) {
            return null;
        }
        Map<TopicPartition, Long> earliest = TopicOffsets.earliest(admin, partitions);
        Map<TopicPartition, Long> latest = TopicOffsets.latest(admin, partitions);
        long share = (maxRecords + partitions.size() - 1) / partitions.size();
        Map<TopicPartition, OffsetAndMetadata> from = new HashMap<>();
        long replayed = 0;
        for (TopicPartition tp : partitions) {
            long offset = Math.max(earliest.get(tp), latest.get(tp) - share);
            from.put(tp, new OffsetAndMetadata(offset));
            replayed += latest.get(tp) - offset;
        }
        admin.alterConsumerGroupOffsets(group, from).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        if (replayed == 0) {
            return null;
        }
        return "the latest " + replayed + " records of " + topic + " (at most " + share + " a partition of "
                + partitions.size() + ": product-views.store.max-views)";
    }
}
