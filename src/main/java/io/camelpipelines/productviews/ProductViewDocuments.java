package io.camelpipelines.productviews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;

import org.bson.Document;

/** A product view as a MongoDB document: {@code _id} = its id, plus the UTC time and date the reports group by. */
public final class ProductViewDocuments {

    private ProductViewDocuments() {
    }

    public static Document of(ProductView v) {
        Instant at = Instant.ofEpochSecond(v.timeStamp());
        return new Document("_id", v.id())
                .append("time_stamp", v.timeStamp())
                .append("view_time", Date.from(at))
                .append("view_date", LocalDate.ofInstant(at, ZoneOffset.UTC).toString())
                .append("ip", v.ip())
                .append("user_agent", v.userAgent())
                .append("resolution", v.resolution())
                .append("device_id", v.deviceId())
                .append("api_version", v.apiVersion())
                .append("store_id", v.storeId())
                .append("local_time", v.localTime())
                .append("current_url", v.currentUrl())
                .append("referrer_url", v.referrerUrl())
                .append("collection", v.collection())
                .append("product_id", v.productId())
                .append("option", v.option())
                .append("stored_at", new Date());
    }
}
