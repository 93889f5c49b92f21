package io.camelpipelines.flights;

import io.camelpipelines.common.CopyBatchWriter;
import org.apache.camel.Exchange;

/**
 * The flights sink: a batch goes to the price history first and then to the fare index, in one consumer group, so
 * a bad record is dead-lettered once and counted once, and the offsets move only after both stores hold the batch.
 */
public class FlightStores {

    private final CopyBatchWriter<FlightObservation> history;
    private final FlightFareIndex index;

    public FlightStores(CopyBatchWriter<FlightObservation> history, FlightFareIndex index) {
        this.history = history;
        this.index = index;
    }

    public void write(Exchange exchange) throws Exception {
        history.write(exchange);
        index.write(exchange);
    }
}
