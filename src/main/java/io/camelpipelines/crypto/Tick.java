package io.camelpipelines.crypto;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/** One normalized trade on topic {@code binance-prices} (key symbol); timestamp is the trade time in ms. */
public record Tick(
        @JsonProperty("symbol") String symbol,
        @JsonProperty("price") BigDecimal price,
        @JsonProperty("timestamp") long timestamp,
        @JsonProperty("event_time") String eventTime,
        @JsonProperty("volume") BigDecimal volume,
        @JsonProperty("trade_id") long tradeId) implements KafkaMessages.Keyed {

    @Override
    public String kafkaKey() {
        return symbol;
    }
}
