package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/**
 * One order as captured from table {@code orders} and published on {@code food_orders_raw} (key order_id), with the
 * change that produced it: {@code op} c (insert), u (update) or d (delete: the row as it was before).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FoodOrder(
        @JsonProperty("order_id") Long orderId,
        @JsonProperty("customer_name") String customerName,
        @JsonProperty("restaurant_name") String restaurantName,
        @JsonProperty("item") String item,
        @JsonProperty("amount") BigDecimal amount,
        @JsonProperty("order_status") String orderStatus,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("op") String op) implements KafkaMessages.Keyed {

    public static final String INSERT = "c";
    public static final String UPDATE = "u";
    public static final String DELETE = "d";

    /** An inserted order (what polling sees, and what a source without change types publishes). */
    public FoodOrder(Long orderId, String customerName, String restaurantName, String item, BigDecimal amount,
                     String orderStatus, Instant createdAt) {
        this(orderId, customerName, restaurantName, item, amount, orderStatus, createdAt, INSERT);
    }

    @Override
    public String kafkaKey() {
        return orderId == null ? null : orderId.toString();
    }
}
