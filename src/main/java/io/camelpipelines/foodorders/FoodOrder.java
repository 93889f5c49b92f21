package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/** One order as captured from table {@code orders} and published on {@code food_orders_raw} (key order_id). */
public record FoodOrder(
        @JsonProperty("order_id") Long orderId,
        @JsonProperty("customer_name") String customerName,
        @JsonProperty("restaurant_name") String restaurantName,
        @JsonProperty("item") String item,
        @JsonProperty("amount") BigDecimal amount,
        @JsonProperty("order_status") String orderStatus,
        @JsonProperty("created_at") Instant createdAt) implements KafkaMessages.Keyed {

    @Override
    public String kafkaKey() {
        return orderId == null ? null : orderId.toString();
    }
}
