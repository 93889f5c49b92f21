package io.camelpipelines.productviews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;

import com.mongodb.MongoClientSettings;
import org.bson.BsonBinaryWriter;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.io.BasicOutputBuffer;
import org.bson.Document;

/** A product view as a MongoDB document: {@code _id} = its id, plus the UTC time and date the reports group by. */
public final class ProductViewDocuments {

    private static final CodecRegistry CODECS = MongoClientSettings.getDefaultCodecRegistry();
    private static final EncoderContext CONTEXT = EncoderContext.builder().build();

    private ProductViewDocuments() {
    }

    public static Document of(ProductView v) {
        return of(v, new Date());
    }

    static Document of(ProductView v, Date storedAt) {
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
                .append("stored_at", storedAt);
    }

    /**
     * The same document, encoded here field by field into BSON, byte for byte what the driver makes of {@link #of}
     * ({@code ProductViewDocumentsTest}). The driver encodes a {@code Document} by looking up a codec for each
     * value's class in its registry: a fifth of the store's consumer thread in a JFR profile.
     */
    public static RawBsonDocument raw(ProductView v) {
        return raw(v, System.currentTimeMillis());
    }

    static RawBsonDocument raw(ProductView v, long storedAtMillis) {
        Instant at = Instant.ofEpochSecond(v.timeStamp());
        // sized for the whole document at once: growing it field by field was a tenth of the store's consumer thread
        BasicOutputBuffer out = new BasicOutputBuffer(capacity(v));
        try (BsonBinaryWriter w = new BsonBinaryWriter(out)) {
            w.writeStartDocument();
            string(w, "_id", v.id());
            w.writeInt64("time_stamp", v.timeStamp());
            w.writeDateTime("view_time", at.toEpochMilli());
            w.writeString("view_date", LocalDate.ofInstant(at, ZoneOffset.UTC).toString());
            string(w, "ip", v.ip());
            string(w, "user_agent", v.userAgent());
            string(w, "resolution", v.resolution());
            string(w, "device_id", v.deviceId());
            string(w, "api_version", v.apiVersion());
            string(w, "store_id", v.storeId());
            string(w, "local_time", v.localTime());
            string(w, "current_url", v.currentUrl());
            string(w, "referrer_url", v.referrerUrl());
            string(w, "collection", v.collection());
            string(w, "product_id", v.productId());
            if (v.option() == null) {
                w.writeNull("option");
            } else {
                w.writeStartArray("option");
                for (Object o : v.option()) {
                    value(w, o);
                }
                w.writeEndArray();
            }
            w.writeDateTime("stored_at", storedAtMillis);
            w.writeEndDocument();
        }
        return new RawBsonDocument(out.getInternalBuffer(), 0, out.getPosition());
    }

    /** At least the view's BSON size when every option is short: field names and framing, each char up to 3 bytes. */
    private static int capacity(ProductView v) {
        int chars = length(v.id()) + length(v.ip()) + length(v.userAgent()) + length(v.resolution())
                + length(v.deviceId()) + length(v.apiVersion()) + length(v.storeId()) + length(v.localTime())
                + length(v.currentUrl()) + length(v.referrerUrl()) + length(v.collection()) + length(v.productId());
        return 384 + 3 * chars + (v.option() == null ? 0 : 32 * v.option().size());
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static void string(BsonBinaryWriter w, String name, String value) {
        if (value == null) {
            w.writeNull(name);
        } else {
            w.writeString(name, value);
        }
    }

    // the option array holds what the upstream JSON had: rare, and any type, so the driver's codecs encode it
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void value(BsonBinaryWriter w, Object o) {
        if (o == null) {
            w.writeNull();
        } else if (o instanceof String s) {
            w.writeString(s);
        } else {
            Codec codec = CODECS.get(o.getClass());
            codec.encode(w, o, CONTEXT);
        }
    }
}
