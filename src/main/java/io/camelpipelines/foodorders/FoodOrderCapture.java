package io.camelpipelines.foodorders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.apache.camel.Exchange;

/**
 * CDC by polling: reads the rows after the stored watermark (created_at, order_id), oldest first,
 * a batch at a time. The watermark is the composite key, so rows sharing a created_at across two
 * polls are neither lost nor repeated; it is stored in PostgreSQL and advanced only after Kafka
 * acknowledged the batch, so a crash repeats at most one batch and never skips one.
 */
public class FoodOrderCapture {

    static final String MORE = "foodOrdersMore";
    private static final String LAST = "foodOrdersLast";

    private final DataSource dataSource;
    private final String captureSql;
    private final String watermarkName;
    private final int batchSize;
    private final Duration delay;

    public FoodOrderCapture(DataSource dataSource, String captureSql, String watermarkName, int batchSize, Duration delay) {
        this.dataSource = dataSource;
        this.captureSql = captureSql;
        this.watermarkName = watermarkName;
        this.batchSize = batchSize;
        this.delay = delay;
    }

    /** Body: the next batch after the watermark; property foodOrdersMore: whether a full batch came back. */
    public List<FoodOrder> nextBatch(Exchange exchange) throws SQLException {
        List<FoodOrder> batch = new ArrayList<>();
        Watermark last = exchange.getProperty(LAST, Watermark.class);
        try (Connection c = dataSource.getConnection()) {
            Watermark from = last != null ? last : stored(c);
            try (PreparedStatement ps = c.prepareStatement(captureSql)) {
                ps.setTimestamp(1, Timestamp.valueOf(from.createdAt()));
                ps.setLong(2, from.orderId());
                ps.setDouble(3, delay.toMillis() / 1000.0);
                ps.setInt(4, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new FoodOrder(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getBigDecimal(5), rs.getString(6), rs.getTimestamp(7).toLocalDateTime().toInstant(ZoneOffset.UTC)));
                    }
                }
            }
        }
        exchange.setProperty(MORE, batch.size() == batchSize);
        return batch;
    }

    /** After Kafka acknowledged the batch in the body: the watermark moves to its last row. */
    public void advance(Exchange exchange, List<FoodOrder> published) throws SQLException {
        FoodOrder lastRow = published.get(published.size() - 1);
        Watermark w = new Watermark(LocalDateTime.ofInstant(lastRow.createdAt(), ZoneOffset.UTC), lastRow.orderId());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cdc_watermarks (name, created_at, order_id) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                        + " SET created_at = EXCLUDED.created_at, order_id = EXCLUDED.order_id, updated_at = now()")) {
            ps.setString(1, watermarkName);
            ps.setTimestamp(2, Timestamp.valueOf(w.createdAt()));
            ps.setLong(3, w.orderId());
            ps.executeUpdate();
        }
        exchange.setProperty(LAST, w);
    }

    private Watermark stored(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT created_at, order_id FROM cdc_watermarks WHERE name = ?")) {
            ps.setString(1, watermarkName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Watermark(rs.getTimestamp(1).toLocalDateTime(), rs.getLong(2))
                        : new Watermark(LocalDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC), Long.MIN_VALUE);
            }
        }
    }

    /** The capture position: the last row Kafka acknowledged. */
    public record Watermark(LocalDateTime createdAt, long orderId) {
    }
}
