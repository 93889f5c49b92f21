package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * An outside application inserting orders into the captured table, one transaction each, on one connection it keeps
 * while it can; {@link #committed} holds the order ids whose commit was acknowledged.
 */
public final class OrderWriter implements Runnable {

    public final Map<Long, BigDecimal> committed = new ConcurrentHashMap<>();
    public final AtomicBoolean stop = new AtomicBoolean();
    public final AtomicInteger failures = new AtomicInteger();
    private final String url;
    private final String tag;

    public OrderWriter(String url, String tag) {
        this.url = url;
        this.tag = tag;
    }

    /** Order id → how many times it is in the lake, for the orders of this tag (their restaurant). */
    public static Map<Long, Long> lakeIds(Path lake, String tag) throws Exception {
        List<LakeFiles.Row> rows = LakeFiles.read(lake);
        return rows.stream().filter(r -> r.restaurant().equals(tag))
                .collect(Collectors.groupingBy(LakeFiles.Row::orderId, Collectors.counting()));
    }

    @Override
    public void run() {
        int i = 0;
        while (!stop.get()) {
            try (Connection c = DriverManager.getConnection(url, "pipelines", "pipelines");
                 PreparedStatement ps = c.prepareStatement("INSERT INTO orders (customer_name, restaurant_name, "
                         + "item, amount, order_status) VALUES (?, ?, 'Paneer Tikka', ?, 'PLACED') RETURNING order_id")) {
                while (!stop.get()) {
                    BigDecimal amount = new BigDecimal(100 + (i % 500) + ".75");
                    ps.setString(1, "Writer " + i);
                    ps.setString(2, tag);
                    ps.setBigDecimal(3, amount);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        committed.put(rs.getLong(1), amount);
                    }
                    i++;
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            } catch (SQLException e) {
                // the database restarted under us: reconnect and go on, as an application would
                failures.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(500_000_000);
            }
        }
    }
}
