package io.camelpipelines.flights;

import io.camelpipelines.common.CopyBatchWriter;
import io.camelpipelines.common.PipelineMetrics;
import org.apache.camel.Exchange;

/**
 * The flights sink: a batch goes to the price history first and then to the fare index, in one consumer group, so
 * a bad record is dead-lettered once and counted once, and the offsets move only after both stores hold the batch.
 * The batch is counted out once both hold it: a batch the index could not take is written again, and counted once.
 */
public class FlightStores {

    private final CopyBatchWriter<FlightObservation> history;
    private final FlightFareIndex index;
    private final PipelineMetrics metrics;

    public FlightStores(CopyBatchWriter<FlightObservation> history, FlightFareIndex index, PipelineMetrics metrics) {
        this.history = history;
        this.index = index;
        this.metrics = metrics;
    }

    public void write(Exchange exchange) throws Exception {
        int stored = history.store(exchange);
        int refusedByIndex = index.write(exchange);
        metrics.count("flights", PipelineMetrics.Kind.OUT, Math.max(0, stored - refusedByIndex));
    }
}
