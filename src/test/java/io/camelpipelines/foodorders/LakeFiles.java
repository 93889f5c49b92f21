package io.camelpipelines.foodorders;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.generic.GenericRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.dataformat.parquet.avro.ParquetAvroDataFormat;

/** Reads the lake back as a reader would: every visible date=*&#47;part-*.parquet file, row by row. */
final class LakeFiles {

    /** One row of the lake with the date directory it was found in. */
    record Row(String date, String file, long orderId, String restaurant, BigDecimal amount, String status,
               long createdAtMicros, String op, int partition, long offset) {
    }

    private LakeFiles() {
    }

    @SuppressWarnings("unchecked")
    static List<Row> read(Path root) throws Exception {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(root)) {
            return rows;
        }
        CamelContext context = new DefaultCamelContext();
        ParquetAvroDataFormat parquet = new ParquetAvroDataFormat();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> dates = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dates.filter(d -> d.getFileName().toString().startsWith("date="))::iterator) {
                try (var parts = Files.newDirectoryStream(dir, "part-*.parquet")) {
                    parts.forEach(files::add);
                }
            }
        }
        for (Path f : files) {
            String date = f.getParent().getFileName().toString().substring("date=".length());
            try (InputStream in = Files.newInputStream(f)) {
                for (GenericRecord r : (List<GenericRecord>) parquet.unmarshal(new DefaultExchange(context), in)) {
                    rows.add(new Row(date, f.getFileName().toString(), (Long) r.get("order_id"),
                            String.valueOf(r.get("restaurant_name")),
                            new BigDecimal(new BigInteger(bytes((ByteBuffer) r.get("amount"))), 2),
                            String.valueOf(r.get("order_status")), (Long) r.get("created_at"), String.valueOf(r.get("op")),
                            (Integer) r.get("kafka_partition"), (Long) r.get("kafka_offset")));
                }
            } catch (NoSuchFileException replacedMeanwhile) {
                // a redelivered batch replaced it between listing and opening: the next read sees the new one
            }
        }
        return rows;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
