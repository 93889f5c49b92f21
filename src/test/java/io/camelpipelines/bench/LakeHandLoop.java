package io.camelpipelines.bench;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.foodorders.FoodOrder;
import io.camelpipelines.foodorders.FoodOrderParser;
import io.camelpipelines.foodorders.ParquetLake;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Kafka -> Parquet as a careful engineer writes it by hand, without Camel: one consumer polling up to
 * {@code batchSize} change records, the same cleaning (FoodOrderParser) and row shape, one snappy file per date and
 * poll written under a hidden name, synced and renamed into place, then {@code commitSync}. The reference the lake
 * stage is compared with.
 */
final class LakeHandLoop {

    private LakeHandLoop() {
    }

    /** Consumes until {@code target} records are read; returns how many rows were written. */
    static long run(String brokers, String topic, Path root, int batchSize, long target) throws Exception {
        Properties p = HandLoop.manualCommit(brokers, "bench-lake-loop-" + System.nanoTime(), batchSize);
        Schema schema = ParquetLake.schema();
        Configuration conf = new Configuration();
        FoodOrderParser parser = new FoodOrderParser();
        long[] written = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            HandLoop.drain(consumer, target, "lake hand loop", batch -> {
                Map<LocalDate, List<GenericRecord>> byDate = new TreeMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    try {
                        FoodOrder o = parser.parse(r.value());
                        byDate.computeIfAbsent(LocalDate.ofInstant(o.createdAt(), ZoneOffset.UTC), d -> new ArrayList<>())
                                .add(ParquetLake.toAvro(schema, o, r.partition(), r.offset()));
                    } catch (InvalidRecordException rejected) {
                        // the pipeline dead-letters it; the loop only skips it
                    }
                }
                String name = "part-" + UUID.randomUUID() + ".parquet";
                for (Map.Entry<LocalDate, List<GenericRecord>> d : byDate.entrySet()) {
                    Path target0 = Files.createDirectories(root.resolve("date=" + d.getKey())).resolve(name);
                    Path tmp = target0.resolveSibling("." + name + ".tmp");
                    try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(tmp))
                            .withSchema(schema).withConf(conf).withCompressionCodec(CompressionCodecName.SNAPPY)
                            .withCodecFactory(ParquetLake.codecs(conf))
                            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
                        for (GenericRecord row : d.getValue()) {
                            w.write(row);
                        }
                    }
                    try (FileChannel f = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                        f.force(true);
                    }
                    Files.move(tmp, target0, StandardCopyOption.ATOMIC_MOVE);
                    written[0] += d.getValue().size();
                }
            });
        }
        return written[0];
    }
}
