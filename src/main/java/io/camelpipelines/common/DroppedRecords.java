package io.camelpipelines.common;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of a source that cannot replay (a WebSocket, an HTTP request) that could not be published to Kafka,
 * typically because Kafka stayed unreachable past the producer's delivery timeout: counted in
 * pipeline_records_dropped_total and logged with the reason, never silent. An HTTP caller also gets a 503 and can
 * send again (the sinks are idempotent on the records' ids).
 */
public class DroppedRecords {

    private static final Logger LOG = LoggerFactory.getLogger(DroppedRecords.class);

    private final PipelineMetrics metrics;

    public DroppedRecords(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    /** Counts {@code records} as dropped and returns the reason, for the log and an HTTP error body. */
    public String drop(Exchange exchange, String pipeline, int records) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = e == null ? "unknown failure" : e.getClass().getSimpleName() + ": " + e.getMessage();
        metrics.count(pipeline, PipelineMetrics.Kind.DROPPED, records);
        LOG.warn("{}: {} record(s) from route {} not published, dropped: {}", pipeline, records,
                exchange.getFromRouteId(), reason);
        return "not accepted, send the request again: " + reason;
    }
}
