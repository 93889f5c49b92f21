package io.camelpipelines.bench;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.clickstream.ClickEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;

/**
 * A Kafka -> PostgreSQL stage as a careful engineer writes it by hand, without Camel: {@code threads} consumers in
 * one group, each polling up to {@code batchSize} records, parsing them with Jackson, writing them in one
 * transaction idempotent on event_id, committing the database, then the offsets. The reference the pipeline's
 * throughput is compared with.
 */
final class HandLoop {

    enum Technique {
        /** PreparedStatement.addBatch per row, executeBatch per poll. */
        JDBC_BATCH,
        /** The pipeline's own statement shape: one INSERT … SELECT FROM unnest(column arrays) per poll. */
        UNNEST,
        /** COPY (CSV) into a temporary staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING per poll. */
        COPY
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final String COLUMNS = "event_id, user_id, session_id, event_type, page_url, element_id, referrer, "
            + "user_agent, ip, event_time";

    private final String brokers;
    private final String topic;
    private final String group;
    private final DataSource db;
    private final String table;
    private final Technique technique;
    private final int batchSize;
    private final long target;
    private final AtomicLong written = new AtomicLong();

    HandLoop(String brokers, String topic, String group, DataSource db, String table, Technique technique, int batchSize,
             long target) {
        this.brokers = brokers;
        this.topic = topic;
        this.group = group;
        this.db = db;
        this.table = table;
        this.technique = technique;
        this.batchSize = batchSize;
        this.target = target;
    }

    /** Runs until {@code target} records are written; fails if none is written for {@code stall}. */
    void run(int threads, Duration stall) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    consume();
                    return null;
                }));
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
                    throw new IllegalStateException(technique + " loop stalled at " + last + " of " + target);
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
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
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
                List<ClickEvent> events = new ArrayList<>(batch.count());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    events.add(JSON.readValue(r.value(), ClickEvent.class));
                }
                int inserted = writer.write(events);
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

    private interface Writer {
        /** Writes the events; returns how many rows were inserted (duplicates are skipped). */
        int write(List<ClickEvent> events) throws Exception;
    }

    private Writer writer(Connection c) throws Exception {
        switch (technique) {
            case JDBC_BATCH: {
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES "
                        + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING");
                return events -> {
                    for (ClickEvent e : events) {
                        String[] v = values(e);
                        for (int i = 0; i < 9; i++) {
                            ps.setString(i + 1, v[i]);
                        }
                        ps.setObject(10, e.timestamp().atOffset(ZoneOffset.UTC));
                        ps.addBatch();
                    }
                    int inserted = 0;
                    for (int n : ps.executeBatch()) {
                        // a rewritten batch (reWriteBatchedInserts) reports no count per row
                        inserted += n == Statement.SUCCESS_NO_INFO ? 1 : Math.max(n, 0);
                    }
                    return inserted;
                };
            }
            case UNNEST: {
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") SELECT event_id, "
                        + "user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, "
                        + "event_time::timestamptz FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                        + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS b (" + COLUMNS + ") "
                        + "ON CONFLICT (event_id) DO NOTHING");
                return events -> {
                    String[][] columns = new String[10][events.size()];
                    for (int row = 0; row < events.size(); row++) {
                        String[] v = values(events.get(row));
                        for (int col = 0; col < 10; col++) {
                            columns[col][row] = v[col];
                        }
                    }
                    for (int col = 0; col < 10; col++) {
                        ps.setArray(col + 1, c.createArrayOf("text", columns[col]));
                    }
                    return ps.executeUpdate();
                };
            }
            case COPY: {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TEMP TABLE staging (LIKE " + table + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
                }
                c.commit();
                org.postgresql.copy.CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                PreparedStatement merge = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") SELECT "
                        + COLUMNS + " FROM staging ON CONFLICT (event_id) DO NOTHING");
                return events -> {
                    StringBuilder csv = new StringBuilder(events.size() * 400);
                    for (ClickEvent e : events) {
                        String[] v = values(e);
                        for (int col = 0; col < 10; col++) {
                            if (col > 0) {
                                csv.append(',');
                            }
                            if (v[col] != null) {
                                csv.append('"').append(v[col].replace("\"", "\"\"")).append('"');
                            }
                        }
                        csv.append('\n');
                    }
                    copy.copyIn("COPY staging (" + COLUMNS + ") FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
                    return merge.executeUpdate();
                };
            }
            default:
                throw new IllegalArgumentException(technique.toString());
        }
    }

    private static String[] values(ClickEvent e) {
        return new String[] {e.eventId(), e.userId(), e.sessionId(), e.eventType(), e.pageUrl(), e.elementId(),
                e.referrer(), e.userAgent(), e.ip(), e.timestamp().toString()};
    }
}
