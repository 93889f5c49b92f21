package io.camelpipelines.productviews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
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
     * Encodes views one after another into one buffer, each a {@link RawBsonDocument} over its own part of it, byte for
     * byte what the driver makes of {@link #of} ({@code ProductViewDocumentsTest}). The driver encodes a
     * {@code Document} by looking up a codec for each value's class in its registry (a fifth of the store's consumer
     * thread in a JFR profile), and its {@code BsonBinaryWriter}, even one per batch, checks its state and the names at
     * every field (16 % of that thread): so the fields, whose names and types are known, are written here as bytes. An
     * option value other than text, whole numbers, booleans, null and small maps and lists of them is rare and goes
     * through the driver's codecs. A buffer that grows leaves the documents before in the array they were written to.
     */
    static final class Encoder {
        private static final int MAX_DEPTH = 8;

        private byte[] buf;
        private int pos;
        private long day = Long.MIN_VALUE;
        private String date;
        // for the rare option the codecs encode, and for the refusals theirs are
        private BasicOutputBuffer scratch;
        private BsonBinaryWriter scratchWriter;

        Encoder(int capacity) {
            buf = new byte[Math.max(capacity, 256)];
        }

        RawBsonDocument encode(ProductView v, long storedAtMillis) {
            int start = pos;
            try {
                write(v, storedAtMillis);
            } catch (RuntimeException e) {
                // the next view is written where this one started
                pos = start;
                scratchWriter = null;
                throw e;
            }
            return new RawBsonDocument(buf, start, pos - start);
        }

        private void write(ProductView v, long storedAtMillis) {
            int start = pos;
            ensure(4);
            pos += 4;
            text(NAME_ID, v.id());
            long millis = Math.multiplyExact(v.timeStamp(), 1000L);
            element(INT64, NAME_TIME_STAMP);
            int64(v.timeStamp());
            element(DATE_TIME, NAME_VIEW_TIME);
            int64(millis);
            text(NAME_VIEW_DATE, viewDate(v.timeStamp()));
            text(NAME_IP, v.ip());
            text(NAME_USER_AGENT, v.userAgent());
            text(NAME_RESOLUTION, v.resolution());
            text(NAME_DEVICE_ID, v.deviceId());
            text(NAME_API_VERSION, v.apiVersion());
            text(NAME_STORE_ID, v.storeId());
            text(NAME_LOCAL_TIME, v.localTime());
            text(NAME_CURRENT_URL, v.currentUrl());
            text(NAME_REFERRER_URL, v.referrerUrl());
            text(NAME_COLLECTION, v.collection());
            text(NAME_PRODUCT_ID, v.productId());
            if (v.option() == null) {
                element(NULL, NAME_OPTION);
            } else if (plain(v.option(), 0)) {
                element(ARRAY, NAME_OPTION);
                list(v.option());
            } else {
                byCodecs(v.option());
            }
            element(DATE_TIME, NAME_STORED_AT);
            int64(storedAtMillis);
            end(start);
        }

        private String viewDate(long epochSeconds) {
            long d = Math.floorDiv(epochSeconds, 86_400L);
            if (d != day) {
                date = LocalDate.ofEpochDay(d).toString();
                day = d;
            }
            return date;
        }

        private void text(byte[] name, String value) {
            if (value == null) {
                element(NULL, name);
            } else {
                element(STRING, name);
                string(value);
            }
        }

        private void list(List<?> values) {
            int start = pos;
            ensure(4);
            pos += 4;
            for (int i = 0; i < values.size(); i++) {
                value(Integer.toString(i), values.get(i));
            }
            end(start);
        }

        private void map(Map<?, ?> values) {
            int start = pos;
            ensure(4);
            pos += 4;
            for (Map.Entry<?, ?> e : values.entrySet()) {
                value((String) e.getKey(), e.getValue());
            }
            end(start);
        }

        /** A value {@link #plain} accepted, as the driver's codecs write it (Integer int32, Long int64). */
        private void value(String name, Object o) {
            if (o == null) {
                element(NULL, name);
            } else if (o instanceof String s) {
                element(STRING, name);
                string(s);
            } else if (o instanceof Integer n) {
                element(INT32, name);
                int32(n);
            } else if (o instanceof Long n) {
                element(INT64, name);
                int64(n);
            } else if (o instanceof Boolean b) {
                element(BOOLEAN, name);
                ensure(1);
                buf[pos++] = (byte) (b ? 1 : 0);
            } else if (o instanceof Map<?, ?> m) {
                element(DOCUMENT, name);
                map(m);
            } else {
                element(ARRAY, name);
                list((List<?>) o);
            }
        }

        /** Whether this encoder writes every value itself: else the codecs write the whole option array. */
        private static boolean plain(Object o, int depth) {
            if (o == null || o instanceof String || o instanceof Integer || o instanceof Long || o instanceof Boolean) {
                return true;
            }
            if (depth >= MAX_DEPTH) {
                return false;
            }
            if (o instanceof List<?> l) {
                for (Object e : l) {
                    if (!plain(e, depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            if (o instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    // a name with a NUL is refused by the codecs' writer
                    if (!(e.getKey() instanceof String k) || k.indexOf(0) >= 0 || !plain(e.getValue(), depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            return false;
        }

        /** The option array as the driver's codecs write it: a one-field document whose field is copied. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private void byCodecs(List<Object> options) {
            if (scratchWriter == null) {
                scratch = new BasicOutputBuffer(256);
                scratchWriter = new BsonBinaryWriter(scratch);
            }
            scratch.truncateToPosition(0);
            scratchWriter.writeStartDocument();
            scratchWriter.writeStartArray("option");
            for (Object o : options) {
                if (o == null) {
                    scratchWriter.writeNull();
                } else {
                    Codec codec = CODECS.get(o.getClass());
                    codec.encode(scratchWriter, o, CONTEXT);
                }
            }
            scratchWriter.writeEndArray();
            scratchWriter.writeEndDocument();
            // the element: after the document's length, before its final NUL
            int length = scratch.getPosition() - 5;
            ensure(length);
            System.arraycopy(scratch.getInternalBuffer(), 4, buf, pos, length);
            pos += length;
        }

        private void element(byte type, byte[] name) {
            ensure(1 + name.length);
            buf[pos++] = type;
            System.arraycopy(name, 0, buf, pos, name.length);
            pos += name.length;
        }

        private void element(byte type, String name) {
            ensure(1);
            buf[pos++] = type;
            utf8(name);
        }

        /** A BSON string: its length, its UTF-8 bytes, a NUL. */
        private void string(String s) {
            int lengthAt = pos;
            ensure(4);
            pos += 4;
            int length = utf8(s);
            putInt(lengthAt, length);
        }

        /**
         * The text as UTF-8 and a NUL, code point by code point as the driver's {@code OutputBuffer.writeCharacters}
         * writes it (a lone surrogate as three bytes); how many bytes that was.
         */
        private int utf8(String s) {
            int n = s.length();
            ensure(n + 1);
            int start = pos;
            int i = 0;
            // the usual text is ASCII: a byte per char, checked in one pass
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                buf[pos++] = (byte) c;
            }
            while (i < n) {
                int c = Character.codePointAt(s, i);
                ensure(4 + 1);
                if (c < 0x80) {
                    buf[pos++] = (byte) c;
                } else if (c < 0x800) {
                    buf[pos++] = (byte) (0xc0 + (c >> 6));
                    buf[pos++] = (byte) (0x80 + (c & 0x3f));
                } else if (c < 0x10000) {
                    buf[pos++] = (byte) (0xe0 + (c >> 12));
                    buf[pos++] = (byte) (0x80 + ((c >> 6) & 0x3f));
                    buf[pos++] = (byte) (0x80 + (c & 0x3f));
                } else {
                    buf[pos++] = (byte) (0xf0 + (c >> 18));
                    buf[pos++] = (byte) (0x80 + ((c >> 12) & 0x3f));
                    buf[pos++] = (byte) (0x80 + ((c >> 6) & 0x3f));
                    buf[pos++] = (byte) (0x80 + (c & 0x3f));
                }
                i += Character.charCount(c);
            }
            ensure(1);
            buf[pos++] = 0;
            return pos - start;
        }

        private void end(int start) {
            ensure(1);
            buf[pos++] = 0;
            putInt(start, pos - start);
        }

        private void int32(int v) {
            ensure(4);
            putInt(pos, v);
            pos += 4;
        }

        private void int64(long v) {
            ensure(8);
            putInt(pos, (int) v);
            putInt(pos + 4, (int) (v >>> 32));
            pos += 8;
        }

        private void putInt(int at, int v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
            buf[at + 2] = (byte) (v >>> 16);
            buf[at + 3] = (byte) (v >>> 24);
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                // a new array: the documents already returned keep the old one
                byte[] grown = new byte[Math.max(buf.length * 2, pos + more)];
                System.arraycopy(buf, 0, grown, 0, pos);
                buf = grown;
            }
        }
    }

    private static final byte STRING = 0x02;
    private static final byte DOCUMENT = 0x03;
    private static final byte ARRAY = 0x04;
    private static final byte BOOLEAN = 0x08;
    private static final byte DATE_TIME = 0x09;
    private static final byte NULL = 0x0A;
    private static final byte INT32 = 0x10;
    private static final byte INT64 = 0x12;

    private static final byte[] NAME_ID = name("_id");
    private static final byte[] NAME_TIME_STAMP = name("time_stamp");
    private static final byte[] NAME_VIEW_TIME = name("view_time");
    private static final byte[] NAME_VIEW_DATE = name("view_date");
    private static final byte[] NAME_IP = name("ip");
    private static final byte[] NAME_USER_AGENT = name("user_agent");
    private static final byte[] NAME_RESOLUTION = name("resolution");
    private static final byte[] NAME_DEVICE_ID = name("device_id");
    private static final byte[] NAME_API_VERSION = name("api_version");
    private static final byte[] NAME_STORE_ID = name("store_id");
    private static final byte[] NAME_LOCAL_TIME = name("local_time");
    private static final byte[] NAME_CURRENT_URL = name("current_url");
    private static final byte[] NAME_REFERRER_URL = name("referrer_url");
    private static final byte[] NAME_COLLECTION = name("collection");
    private static final byte[] NAME_PRODUCT_ID = name("product_id");
    private static final byte[] NAME_OPTION = name("option");
    private static final byte[] NAME_STORED_AT = name("stored_at");

    /** A field name as BSON writes it: its bytes and a NUL. */
    private static byte[] name(String name) {
        byte[] ascii = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(ascii, ascii.length + 1);
    }
}
