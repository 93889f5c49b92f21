package io.camelpipelines.productviews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.function.Function;

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

    /** What {@link io.camelpipelines.common.MongoBatchWriter} encodes a batch with: a new {@link Encoder} each. */
    public static Function<ProductView, RawBsonDocument> batchEncoder() {
        Encoder encoder = new Encoder(64 * 1024);
        return v -> encoder.encode(v, System.currentTimeMillis());
    }

    /**
     * Encodes views one after another into one buffer, each a {@link RawBsonDocument} over its own part of it, field by
     * field, byte for byte what the driver makes of {@link #of} ({@code ProductViewDocumentsTest}): the driver encodes
     * a {@code Document} by looking up a codec for each value's class in its registry, a fifth of the store's consumer
     * thread in a JFR profile; and a writer and a buffer per view were a sixth of it (the writer's constructor alone
     * 13 %). A buffer that grows leaves the documents before in the array they were written to.
     */
    static final class Encoder {
        private final BasicOutputBuffer out;
        private BsonBinaryWriter w;

        Encoder(int capacity) {
            out = new BasicOutputBuffer(capacity);
            w = new BsonBinaryWriter(out);
        }

        RawBsonDocument encode(ProductView v, long storedAtMillis) {
            int start = out.getPosition();
            try {
                write(w, v, storedAtMillis);
            } catch (RuntimeException e) {
                // the writer stopped inside this view: the next view gets a new one, after the bytes this one left
                w = new BsonBinaryWriter(out);
                throw e;
            }
            return new RawBsonDocument(out.getInternalBuffer(), start, out.getPosition() - start);
        }
    }

    private static void write(BsonBinaryWriter w, ProductView v, long storedAtMillis) {
        Instant at = Instant.ofEpochSecond(v.timeStamp());
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
