package io.camelpipelines.productviews;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.camelpipelines.common.KafkaMessages;

/**
 * A product view as it travels on processed_product_views: the upstream record normalized (store_id and
 * product_id always strings, option always an array, time_stamp epoch seconds).
 */
public record ProductView(
        @JsonProperty("id") String id,
        @JsonProperty("time_stamp") long timeStamp,
        @JsonProperty("ip") String ip,
        @JsonProperty("user_agent") String userAgent,
        @JsonProperty("resolution") String resolution,
        @JsonProperty("device_id") String deviceId,
        @JsonProperty("api_version") String apiVersion,
        @JsonProperty("store_id") String storeId,
        @JsonProperty("local_time") String localTime,
        @JsonProperty("current_url") String currentUrl,
        @JsonProperty("referrer_url") String referrerUrl,
        @JsonProperty("collection") String collection,
        @JsonProperty("product_id") String productId,
        @JsonProperty("option") List<Object> option) implements KafkaMessages.Keyed {

    @Override
    public String kafkaKey() {
        return productId;
    }
}
