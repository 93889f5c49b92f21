package io.camelpipelines.common;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of a batch sink: takes the batch of Kafka records (a List of exchanges), parses each one,
 * and leaves the valid values as the body; the invalid ones become dead letters.
 */
public class KafkaRecordBatch<T> {

    public static final String RECORDS = "pipelineKafkaRecords";
    public static final String DEAD_LETTERS = "pipelineDeadLetters";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordBatch.class);

    private final String pipeline;
    private final RecordParser<T> parser;
    private final PipelineMetrics metrics;

    public KafkaRecordBatch(String pipeline, RecordParser<T> parser, PipelineMetrics metrics) {
        this.pipeline = pipeline;
        this.parser = parser;
        this.metrics = metrics;
        metrics.register(pipeline);
    }

    @SuppressWarnings("unchecked")
    public void parse(Exchange batch) {
        List<Exchange> records = AssignmentTrackingConsumer.current(batch.getMessage().getBody(List.class));
        if (batch.getFromEndpoint() instanceof KafkaEndpoint kafka
                && kafka.getComponent().getPollExceptionStrategy() instanceof KafkaPollRetry retry) {
            retry.polled();
        }
        List<ParsedRecord<T>> valid = new ArrayList<>(records.size());
        List<DeadLetter> rejected = new ArrayList<>();
        for (Exchange record : records) {
            byte[] value = record.getMessage().getBody(byte[].class);
            try {
                if (value == null) {
                    throw new InvalidRecordException("empty record (null value)");
                }
                valid.add(new ParsedRecord<>(parser.parse(value), record));
            } catch (InvalidRecordException e) {
                rejected.add(deadLetter(record, e.getMessage(), batch.getFromRouteId()));
            } catch (RuntimeException e) {
                // a parser reads only the record's bytes, so whatever else it throws is this record's doing: retried,
                // the batch would fail again forever and stop the pipeline
                DeadLetter letter = deadLetter(record, "unreadable record: " + e, batch.getFromRouteId());
                LOG.warn("{}: record {} could not be read, sent to the dead-letter topic: {}", pipeline, letter.origin(), e.toString());
                rejected.add(letter);
            }
        }
        metrics.count(pipeline, PipelineMetrics.Kind.IN, records.size());
        batch.setProperty(RECORDS, records);
        batch.setProperty(DEAD_LETTERS, rejected);
        batch.getMessage().setBody(valid);
        if (!rejected.isEmpty()) {
            LOG.debug("{}: {} of {} records rejected", pipeline, rejected.size(), records.size());
        }
    }

    /** A dead letter for the Kafka record an exchange carries. */
    public static DeadLetter deadLetter(Exchange record, String reason, String route) {
        var m = record.getMessage();
        Object key = m.getHeader(KafkaConstants.KEY);
        byte[] keyBytes = key == null ? null : key instanceof byte[] b ? b : key.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String origin = m.getHeader(KafkaConstants.TOPIC) + "-" + m.getHeader(KafkaConstants.PARTITION) + "@"
                + m.getHeader(KafkaConstants.OFFSET);
        return new DeadLetter(m.getHeader(KafkaConstants.TOPIC, String.class), keyBytes, m.getBody(byte[].class), reason,
                route, origin);
    }
}
