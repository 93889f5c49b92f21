package io.camelpipelines.foodorders;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change data capture by polling, for sources that grant no replication: the rows after the watermark
 * (created_at, order_id), oldest first, a batch at a time until caught up. The watermark never passes a row
 * an open transaction could still commit (it stops before the oldest open transaction's start); it is the
 * composite key, so rows sharing a created_at across batches are neither lost nor repeated; and it is committed
 * in the same Kafka transaction as the rows it covers, so a crash between the two cannot happen.
 * What polling cannot see: updates, deletes, and rows whose created_at is set in the past by their writer.
 * All times are {@link LocalDateTime} in UTC, bound and read as such: the JVM's time zone plays no part.
 */
public class PollCapture {

    static final String WATERMARK = "poll.watermark";
    private static final Logger LOG = LoggerFactory.getLogger(PollCapture.class);
    private static final ObjectMapper JSON = io.camelpipelines.common.Json.ISO_TIMES;

    private final DataSource dataSource;
    private final CapturePublisher publisher;
    private final String captureSql;
    private final String boundSql;
    private final int batchSize;
    private final Duration delay;
    private Watermark watermark;

    public PollCapture(DataSource dataSource, CapturePublisher publisher, String captureSql, String boundSql,
                       int batchSize, Duration delay) {
        this.dataSource = dataSource;
        this.publisher = publisher;
        this.captureSql = captureSql;
        this.boundSql = boundSql;
        this.batchSize = batchSize;
        this.delay = delay;
    }

    /** The route's step: captures until caught up; returns how many rows were published. */
    public synchronized int poll() throws Exception {
        if (watermark == null) {
            publisher.reset();
            watermark = stored(publisher.positions());
            LOG.info("food-orders capture (poll) resumes after {}", watermark);
        }
        int total = 0;
        while (true) {
            List<FoodOrder> batch = nextBatch();
            if (batch.isEmpty()) {
                return total;
            }
            FoodOrder last = batch.get(batch.size() - 1);
            Watermark next = new Watermark(LocalDateTime.ofInstant(last.createdAt(), ZoneOffset.UTC), last.orderId());
            try {
                for (FoodOrder o : batch) {
                    publisher.add(o.kafkaKey(), JSON.writeValueAsBytes(o));
                }
                publisher.commit(Map.of(WATERMARK, JSON.writeValueAsBytes(next)));
            } catch (RuntimeException e) {
                publisher.reset();
                throw e;
            }
            watermark = next;
            total += batch.size();
            if (batch.size() < batchSize) {
                return total;
            }
        }
    }

    /** Forgets the watermark, so the next poll reads the committed one (after the route was stopped). */
    public synchronized void reset() {
        watermark = null;
    }

    private List<FoodOrder> nextBatch() throws SQLException {
        List<FoodOrder> batch = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            LocalDateTime bound;
            try (PreparedStatement ps = c.prepareStatement(boundSql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                bound = rs.getObject(1, LocalDateTime.class).minus(delay);
            }
            try (PreparedStatement ps = c.prepareStatement(captureSql)) {
                ps.setObject(1, watermark.createdAt());
                ps.setLong(2, watermark.orderId());
                ps.setObject(3, bound);
                ps.setInt(4, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new FoodOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getBigDecimal(5), rs.getString(6),
                                rs.getObject(7, LocalDateTime.class).toInstant(ZoneOffset.UTC)));
                    }
                }
            }
        }
        return batch;
    }

    private static Watermark stored(Map<String, byte[]> positions) throws java.io.IOException {
        byte[] w = positions.get(WATERMARK);
        return w == null ? new Watermark(LocalDateTime.of(1, 1, 1, 0, 0), Long.MIN_VALUE)
                : JSON.readValue(new String(w, StandardCharsets.UTF_8), Watermark.class);
    }

    /** The capture position: the last row published in a committed transaction. */
    public record Watermark(@com.fasterxml.jackson.annotation.JsonProperty("created_at") LocalDateTime createdAt,
                            @com.fasterxml.jackson.annotation.JsonProperty("order_id") long orderId) {
    }
}
