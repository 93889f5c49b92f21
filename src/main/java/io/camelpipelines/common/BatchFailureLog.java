package io.camelpipelines.common;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of a batch that its sink does not take (the sink is down, say): one WARN line when it first fails, naming
 * the batch's records (topic-partition@first..last offsets) and the cause; one ERROR line every {@code remindEvery}
 * while it still fails, and at once when the cause changes; one INFO line when it is written at last. Not a line per
 * retry: the error handler retries with backoff, for as long as it takes, without logging each attempt.
 */
public class BatchFailureLog implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchFailureLog.class);
    private static final String SINCE = "pipelineBatchFailingSince";
    private static final String LOGGED = "pipelineBatchFailureLogged";
    private static final String CAUSE = "pipelineBatchFailureCause";
    private static final String ATTEMPTS = "pipelineBatchAttempts";

    private final Duration remindEvery;

    public BatchFailureLog(Duration remindEvery) {
        this.remindEvery = remindEvery;
    }

    /** The error handler's onExceptionOccurred: every failed attempt comes here, few are logged. */
    @Override
    public void process(Exchange batch) {
        Throwable e = batch.getException() != null ? batch.getException()
                : batch.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String cause = e == null ? "unknown" : describe(e);
        // the kind of failure, not its message (which carries timings): a new kind is worth a line at once
        String kind = e == null ? "unknown" : kind(e);
        long now = System.currentTimeMillis();
        int attempts = batch.getProperty(ATTEMPTS, 0, Integer.class) + 1;
        batch.setProperty(ATTEMPTS, attempts);
        Long since = batch.getProperty(SINCE, Long.class);
        if (since == null) {
            batch.setProperty(SINCE, now);
            batch.setProperty(LOGGED, now);
            batch.setProperty(CAUSE, kind);
            LOG.warn("{}: batch {} not written: {}; retried with backoff until it is (nothing is skipped or committed"
                    + " meanwhile)", batch.getFromRouteId(), records(batch), cause);
            return;
        }
        boolean changed = !kind.equals(batch.getProperty(CAUSE, String.class));
        if (changed || now - batch.getProperty(LOGGED, Long.class) >= remindEvery.toMillis()) {
            batch.setProperty(LOGGED, now);
            batch.setProperty(CAUSE, kind);
            LOG.error("{}: batch {} still not written after {} attempts in {} s: {}", batch.getFromRouteId(),
                    records(batch), attempts, (now - since) / 1000, cause);
        }
    }

    /** The last step of a batch: says so if it had failed before. */
    public void written(Exchange batch) {
        Long since = batch.getProperty(SINCE, Long.class);
        if (since != null) {
            LOG.info("{}: batch {} written after {} failed attempts ({} s)", batch.getFromRouteId(), records(batch),
                    batch.getProperty(ATTEMPTS, 0, Integer.class), (System.currentTimeMillis() - since) / 1000);
        }
    }

    /** "clickstream-0@120..345, clickstream-2@77..80 (272 records)". */
    @SuppressWarnings("unchecked")
    static String records(Exchange batch) {
        List<Exchange> records = batch.getProperty(KafkaRecordBatch.RECORDS, List.class);
        if (records == null || records.isEmpty()) {
            return "(no records)";
        }
        Map<String, long[]> ranges = new TreeMap<>();
        for (Exchange r : records) {
            var m = r.getMessage();
            String tp = m.getHeader(KafkaConstants.TOPIC, String.class) + "-" + m.getHeader(KafkaConstants.PARTITION, Integer.class);
            long offset = m.getHeader(KafkaConstants.OFFSET, -1L, Long.class);
            ranges.merge(tp, new long[] {offset, offset},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        StringBuilder sb = new StringBuilder();
        ranges.forEach((tp, r) -> sb.append(sb.isEmpty() ? "" : ", ").append(tp).append('@').append(r[0])
                .append(r[0] == r[1] ? "" : ".." + r[1]));
        return sb.append(" (").append(records.size()).append(" records)").toString();
    }

    private static String kind(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getName() + "/" + root.getClass().getName();
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + ": " + e.getMessage();
        return root == e ? top : top + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
