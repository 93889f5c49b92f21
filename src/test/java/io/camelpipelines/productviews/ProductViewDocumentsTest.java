package io.camelpipelines.productviews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoClientSettings;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.configuration.CodecConfigurationException;
import org.junit.jupiter.api.Test;

class ProductViewDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long STORED_AT = 1_764_000_000_123L;

    @Test
    void encodesEveryGeneratedViewByteForByteAsTheDriverEncodesItsDocument() throws Exception {
        ProductViewParser parser = new ProductViewParser();
        List<ProductViewGenerator.UpstreamView> views = new ProductViewGenerator(1, 3, 500, 2_000)
                .next(20_000, Instant.parse("2026-12-01T12:00:00Z"));
        for (ProductViewGenerator.UpstreamView u : views) {
            assertSameBytes(parser.parse(JSON.writeValueAsBytes(u)));
        }
    }

    @Test
    void encodesABatchIntoOneBufferEachDocumentAsTheDriverDoes() throws Exception {
        ProductViewParser parser = new ProductViewParser();
        ProductViewDocuments.Encoder encoder = new ProductViewDocuments.Encoder(16);
        List<RawBsonDocument> documents = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (ProductViewGenerator.UpstreamView u : new ProductViewGenerator(1, 3, 500, 2_000)
                .next(5_000, Instant.parse("2026-12-01T12:00:00Z"))) {
            ProductView v = parser.parse(JSON.writeValueAsBytes(u));
            documents.add(encoder.encode(v, STORED_AT));
            expected.add(driverBytes(v));
        }
        // compared after the whole batch: the buffer grew many times meanwhile
        for (int i = 0; i < documents.size(); i++) {
            assertThat(bytes(documents.get(i))).as("document %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void encodesMissingFieldsAndAnyOptionValueAsTheDriverDoes() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("size", "XL");
        nested.put("count", 3);
        nested.put("none", null);
        List<Object> options = new ArrayList<>(Arrays.asList("red", null, 7, 1L << 40, new BigDecimal("12.50"), true,
                nested, List.of("a", 2), "ünïcødé ✓"));
        assertSameBytes(new ProductView("v-1", 1_700_000_000L, null, null, null, null, null, null, null, null, null,
                null, null, options));
        assertSameBytes(new ProductView("v-2", 0L, "10.0.0.1", "agent", "1920x1080", "d-1", "1.0", "12",
                "2026-12-01 12:00:00", "https://shop/p/1", "", "c", "p-1", null));
        assertSameBytes(new ProductView("v-3", -62_135_596_800L, "", "", "", "", "", "", "", "", "", "", "", List.of()));
    }

    @Test
    void encodesAnyTextAndNestingAsTheDriverDoes() {
        // two, three and four UTF-8 bytes, a lone surrogate of each kind, a NUL inside a value
        String[] texts = {"é", "€ ✓", "😀 x", "a\uD800b", "\uDC00", "tail \uD83D", "a\u0000b", "", "ascii only"};
        for (String t : texts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(t.replace("\u0000", ""), t);
            assertSameBytes(new ProductView(t.isEmpty() ? "v" : t, 1_700_000_000L, t, t, null, t, null, t, null, t, t,
                    null, t, List.of(t, m, List.of(t))));
        }
        // deeper than the encoder writes itself: the codecs write it, the same bytes
        Object deep = "x";
        for (int i = 0; i < 12; i++) {
            deep = i % 2 == 0 ? List.of(deep, i) : Map.of("k" + i, deep);
        }
        assertSameBytes(new ProductView("v-7", 1_700_000_000L, null, null, null, null, null, null, null, null, null,
                null, null, List.of(deep)));
        // a decimal beside plain values: the whole array through the codecs
        assertSameBytes(new ProductView("v-8", 1_700_000_000L, null, null, null, null, null, null, null, null, null,
                null, null, List.of("a", new BigDecimal("-0.10"), Map.of("n", new BigDecimal("1E+5")), false)));
    }

    @Test
    void refusesANameWithANulAsTheDriverDoes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a\u0000b", 1);
        ProductView v = new ProductView("v-9", 1_700_000_000L, null, null, null, null, null, null, null, null, null,
                null, null, List.of(m));
        assertThatThrownBy(() -> driverBytes(v)).isInstanceOf(org.bson.BsonSerializationException.class);
        assertThatThrownBy(() -> new ProductViewDocuments.Encoder(16).encode(v, STORED_AT))
                .isInstanceOf(org.bson.BsonSerializationException.class);
    }

    @Test
    void refusesAnOptionTheDriverCannotEncodeEitherAsTheDriverDoes() {
        ProductView v = new ProductView("v-4", 1_700_000_000L, null, null, null, null, null, null, null, null, null,
                null, null, List.of(new BigInteger("123456789012345678901234567890")));
        assertThatThrownBy(() -> driverBytes(v)).isInstanceOf(CodecConfigurationException.class);
        ProductView before = new ProductView("v-5", 1_700_000_000L, "10.0.0.1", null, null, null, null, null, null,
                null, null, null, null, List.of("red"));
        ProductView after = new ProductView("v-6", 1_700_000_001L, "10.0.0.2", null, null, null, null, null, null,
                null, null, null, null, List.of());
        ProductViewDocuments.Encoder encoder = new ProductViewDocuments.Encoder(64);
        RawBsonDocument first = encoder.encode(before, STORED_AT);
        assertThatThrownBy(() -> encoder.encode(v, STORED_AT)).isInstanceOf(CodecConfigurationException.class);
        // the rest of the batch is encoded as if the refused view had never been there
        RawBsonDocument next = encoder.encode(after, STORED_AT);
        assertThat(bytes(first)).isEqualTo(driverBytes(before));
        assertThat(bytes(next)).isEqualTo(driverBytes(after));
    }

    private static void assertSameBytes(ProductView v) {
        assertThat(bytes(new ProductViewDocuments.Encoder(16).encode(v, STORED_AT))).as("view %s", v).isEqualTo(driverBytes(v));
    }

    private static byte[] driverBytes(ProductView v) {
        Document d = ProductViewDocuments.of(v, new Date(STORED_AT));
        return bytes(new RawBsonDocument(d, MongoClientSettings.getDefaultCodecRegistry().get(Document.class)));
    }

    private static byte[] bytes(RawBsonDocument d) {
        ByteBuffer b = d.getByteBuffer().asNIO();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
