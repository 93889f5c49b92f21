package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.ParsedRecord;
import io.camelpipelines.common.PipelineMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The lake writer alone, on real files: batches as the Kafka consumer hands them, including a redelivery after a crash. */
class ParquetLakeTest {

    @TempDir
    Path root;

    private final CamelContext context = new DefaultCamelContext();

    /** A batch of partition 0, offsets from..to; order id = offset; the first half dated Jan 15, the rest Jan 16. */
    private Exchange batch(long from, long to) {
        List<Exchange> records = new ArrayList<>();
        List<ParsedRecord<FoodOrder>> valid = new ArrayList<>();
        for (long offset = from; offset <= to; offset++) {
            Exchange r = new DefaultExchange(context);
            r.getMessage().setHeader(KafkaConstants.TOPIC, "food_orders_raw");
            r.getMessage().setHeader(KafkaConstants.PARTITION, 0);
            r.getMessage().setHeader(KafkaConstants.OFFSET, offset);
            records.add(r);
            Instant created = Instant.parse(offset < 8 ? "2025-01-15T12:24:00Z" : "2025-01-16T08:00:00Z");
            valid.add(new ParsedRecord<>(new FoodOrder(offset, "John Doe", "Burger Junction", "Veg Burger",
                    new BigDecimal("220.00"), "PLACED", created), r));
        }
        Exchange batch = new DefaultExchange(context);
        batch.setProperty(KafkaRecordBatch.RECORDS, records);
        batch.getMessage().setBody(valid);
        return batch;
    }

    @Test
    void aBatchRedeliveredAfterACrashReplacesItsFilesSoEveryRecordIsReadOnce() throws Exception {
        ParquetLake lake = new ParquetLake("food-orders", root, new PipelineMetrics(context));
        lake.write(batch(0, 11));               // files written, then the process dies before the commit
        assertThat(LakeFiles.read(root)).hasSize(12);

        lake.write(batch(0, 5));                // redelivered from the committed offset, cut shorter this time
        lake.write(batch(6, 15));               // and the rest
        List<LakeFiles.Row> rows = LakeFiles.read(root);
        assertThat(rows).extracting(LakeFiles.Row::offset).containsExactlyInAnyOrder(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(rows).allSatisfy(r -> assertThat(r.date()).isEqualTo(r.offset() < 8 ? "2025-01-15" : "2025-01-16"));
        assertThat(rows).allSatisfy(r -> assertThat(r.amount()).isEqualByComparingTo("220.00"));
        assertThat(rows.get(0).createdAtMicros() % 1_000_000).isZero();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")))
                    .as("no temporary files left").isEmpty();
        }
    }

    @Test
    void fileNamesDependOnlyOnTopicPartitionAndFirstOffset() {
        // pinned: a redelivered batch must overwrite the file an earlier run (or release) wrote, so the name of
        // (food_orders_raw, 1, 100) never changes; computed once as the name-based UUID of "food_orders_raw/1/100"
        assertThat(ParquetLake.fileName("food_orders_raw", 1, 100))
                .isEqualTo("part-8411a7d7-1e39-36ad-9522-852e346c9e3f.parquet")
                .isNotEqualTo(ParquetLake.fileName("food_orders_raw", 2, 100))
                .isNotEqualTo(ParquetLake.fileName("food_orders_raw", 1, 101));
    }
}
