package io.camelpipelines.bench;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.clickstream.ClickEvent;
import io.camelpipelines.crypto.Tick;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;

/**
 * A Kafka -> PostgreSQL stage as a careful engineer writes it by hand, without Camel: {@code threads} consumers in
 * one group, each polling up to {@code batchSize} records, parsing them with Jackson, writing them in one
 * transaction idempotent on the table's natural key, committing the database, then the offsets. The reference a
 * pipeline's throughput is compared with.
 */
final class HandLoop {

    enum Technique {
        /** PreparedStatement.addBatch per row, executeBatch per poll. */
        JDBC_BATCH,
        /** One INSERT … SELECT FROM unnest(column arrays) per poll. */
        UNNEST,
        /** COPY (CSV) into a temporary staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING per poll. */
        COPY
    }

    /**
     * What a loop writes: the columns with their SQL types, the natural key, and how a record's JSON becomes the
     * columns' values as text (PostgreSQL casts them).
     */
    record Shape(List<String> columns, List<String> types, String key, Function<byte[], String[]> values) {

        static final Shape CLICKS = new Shape(List.of("event_id", "user_id", "session_id", "event_type", "page_url",
                "element_id", "referrer", "user_agent", "ip", "event_time"),
                List.of("text", "text", "text", "text", "text", "text", "text", "text", "text", "timestamptz"), "event_id",
                json -> {
                    ClickEvent e = read(json, ClickEvent.class);
                    return new String[] {e.eventId(), e.userId(), e.sessionId(), e.eventType(), e.pageUrl(), e.elementId(),
                            e.referrer(), e.userAgent(), e.ip(), e.timestamp().toString()};
                });

        static final Shape TICKS = new Shape(List.of("symbol", "price", "\"timestamp\"", "event_time", "volume", "trade_id"),
                List.of("text", "numeric", "bigint", "timestamptz", "numeric", "bigint"), "symbol, trade_id",
                json -> {
                    Tick t = read(json, Tick.class);
                    return new String[] {t.symbol(), t.price().toPlainString(), String.valueOf(t.timestamp()), t.eventTime(),
                            t.volume().toPlainString(), String.valueOf(t.tradeId())};
                });

        String columnList() {
            return String.join(", ", columns);
        }

        private static <T> T read(byte[] json, Class<T> type) {
            try {
                return JSON.readValue(json, type);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private final String brokers;
    private final String topic;
    private final String group;
    private final DataSource db;
    private final String table;
    private final Shape shape;
    private final Technique technique;
    private final int batchSize;
    private final long target;
    private final AtomicLong written = new AtomicLong();

    HandLoop(String brokers, String topic, String group, DataSource db, String table, Shape shape, Technique technique,
             int batchSize, long target) {
        this.brokers = brokers;
        this.topic = topic;
        this.group = group;
        this.db = db;
        this.table = table;
        this.shape = shape;
        this.technique = technique;
        this.batchSize = batchSize;
        this.target = target;
    }

    /** Runs until {@code target} records are written; fails if none is written for {@code stall}. */
    void run(int threads, Duration stall) throws Exception {
        runConsumers(threads, stall, written, target, technique + " loop", this::consume);
    }

    /** What one of a loop's consumers runs, until its loop's target is written. */
    interface Consumer {
        void consume() throws Exception;
    }

    /**
     * The multi-consumer loops' skeleton: {@code threads} consumers of one group, each on a thread of its own whose
     * CPU time is measured, until {@code written} reaches {@code target}; fails naming the loop when nothing is
     * written for {@code stall}, or with the first consumer's failure.
     */
    static void runConsumers(int threads, Duration stall, AtomicLong written, long target, String loop,
                             Consumer consumer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> ConsumerCpu.measured(() -> {
                    consumer.consume();
                    return null;
                })));
            }
            long last = -1;
            long lastMove = System.nanoTime();
            while (written.get() < target) {
                for (Future<?> w : workers) {
                    if (w.isDone()) {
                        w.get();
                    }
                }
                if (written.get() != last) {
                    last = written.get();
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > stall.toNanos()) {
                    throw new IllegalStateException(loop + " stalled at " + last + " of " + target);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            for (Future<?> w : workers) {
                w.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void consume() throws Exception {
        Properties p = manualCommit(brokers, group, batchSize);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer()); Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            Writer writer = writer(c);
            consumer.subscribe(List.of(topic));
            while (written.get() < target) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                List<String[]> rows = new ArrayList<>(batch.count());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    rows.add(shape.values().apply(r.value()));
                }
                int inserted = writer.write(rows);
                c.commit();
                try {
                    consumer.commitSync();
                } catch (org.apache.kafka.clients.consumer.CommitFailedException
                         | org.apache.kafka.common.errors.RebalanceInProgressException rebalanced) {
                    // the partitions moved: their new owner gets these records again and ON CONFLICT skips them
                }
                // rows really inserted, so a redelivery after a rebalance is not counted twice
                written.addAndGet(inserted);
            }
        }
    }

    /** What a single-consumer loop does with one poll, before its offsets are committed. */
    interface Poll {
        void write(ConsumerRecords<byte[], byte[]> batch) throws Exception;
    }

    /**
     * The single-consumer loops' skeleton: poll, write, commitSync, until {@code target} records were read; fails
     * naming the loop when a poll brings nothing for {@link Benchmark#stall()}.
     */
    static void drain(KafkaConsumer<byte[], byte[]> consumer, long target, String loop, Poll poll) throws Exception {
        ConsumerCpu.measured(() -> {
            drainOnThisThread(consumer, target, loop, poll);
            return null;
        });
    }

    private static void drainOnThisThread(KafkaConsumer<byte[], byte[]> consumer, long target, String loop, Poll poll)
            throws Exception {
        long read = 0;
        long lastMove = System.nanoTime();
        while (read < target) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
            if (batch.isEmpty()) {
                if (System.nanoTime() - lastMove > Benchmark.stall().toNanos()) {
                    throw new IllegalStateException(loop + " stalled at " + read + " of " + target);
                }
                continue;
            }
            poll.write(batch);
            consumer.commitSync();
            read += batch.count();
            lastMove = System.nanoTime();
        }
    }

    /** A consumer's settings as every hand-written loop uses them: from the earliest offset, commits its own. */
    static Properties manualCommit(String brokers, String group, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return p;
    }

    private interface Writer {
        /** Writes the rows; returns how many were inserted (duplicates are skipped). */
        int write(List<String[]> rows) throws Exception;
    }

    private Writer writer(Connection c) throws Exception {
        int n = shape.columns().size();
        String conflict = " ON CONFLICT (" + shape.key() + ") DO NOTHING";
        switch (technique) {
            case JDBC_BATCH: {
                List<String> params = new ArrayList<>();
                shape.types().forEach(t -> params.add("?::" + t));
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + shape.columnList() + ") VALUES ("
                        + String.join(", ", params) + ")" + conflict);
                return rows -> {
                    for (String[] v : rows) {
                        for (int i = 0; i < n; i++) {
                            ps.setString(i + 1, v[i]);
                        }
                        ps.addBatch();
                    }
                    int inserted = 0;
                    for (int count : ps.executeBatch()) {
                        // a rewritten batch (reWriteBatchedInserts) reports no count per row
                        inserted += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
                    }
                    return inserted;
                };
            }
            case UNNEST: {
                List<String> casts = new ArrayList<>();
                List<String> arrays = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    casts.add("c" + i + "::" + shape.types().get(i));
                    arrays.add("?::text[]");
                }
                List<String> aliases = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    aliases.add("c" + i);
                }
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + shape.columnList() + ") SELECT "
                        + String.join(", ", casts) + " FROM unnest(" + String.join(", ", arrays) + ") AS b ("
                        + String.join(", ", aliases) + ")" + conflict);
                return rows -> {
                    String[][] columns = new String[n][rows.size()];
                    for (int row = 0; row < rows.size(); row++) {
                        String[] v = rows.get(row);
                        for (int col = 0; col < n; col++) {
                            columns[col][row] = v[col];
                        }
                    }
                    for (int col = 0; col < n; col++) {
                        ps.setArray(col + 1, c.createArrayOf("text", columns[col]));
                    }
                    return ps.executeUpdate();
                };
            }
            case COPY: {
                // pooled connections: one staging table per target table
                String staging = "staging_" + table;
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging + " (LIKE " + table + " INCLUDING DEFAULTS) "
                            + "ON COMMIT DELETE ROWS");
                }
                c.commit();
                org.postgresql.copy.CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                PreparedStatement merge = c.prepareStatement("INSERT INTO " + table + " (" + shape.columnList() + ") SELECT "
                        + shape.columnList() + " FROM " + staging + conflict);
                return rows -> {
                    copy.copyIn("COPY " + staging + " (" + shape.columnList() + ") FROM STDIN (FORMAT csv)", csv(rows));
                    return merge.executeUpdate();
                };
            }
            default:
                throw new IllegalArgumentException(technique.toString());
        }
    }

    /** Rows as COPY's CSV format: every value quoted, so an empty string stays one; null is nothing. */
    static StringReader csv(List<String[]> rows) {
        StringBuilder csv = new StringBuilder(rows.size() * 400);
        for (String[] v : rows) {
            for (int col = 0; col < v.length; col++) {
                if (col > 0) {
                    csv.append(',');
                }
                if (v[col] != null) {
                    csv.append('"').append(v[col].replace("\"", "\"\"")).append('"');
                }
            }
            csv.append('\n');
        }
        return new StringReader(csv.toString());
    }
}
