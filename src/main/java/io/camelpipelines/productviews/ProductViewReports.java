package io.camelpipelines.productviews;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.apache.camel.StaticService;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.service.ServiceSupport;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily reports: MongoDB aggregation pipelines over one UTC date's views (views, distinct devices and the last
 * view per product; views and distinct devices per store; views per referrer), written to PostgreSQL replacing
 * that date's rows in one transaction, so a re-run changes nothing. Views without the key are left out.
 */
@ManagedResource(description = "product-views: the daily product, store and referrer reports")
public class ProductViewReports extends ServiceSupport implements StaticService {

    private static final Logger LOG = LoggerFactory.getLogger(ProductViewReports.class);

    private final MongoCollection<Document> views;
    private final DataSource dataSource;
    private final Map<String, String> sql;
    private volatile String lastReport = "none since start";

    /** {@code sql}: delete, products, stores, referrers, select, latest (the files of sql/product-views/). */
    public ProductViewReports(MongoCollection<Document> views, DataSource dataSource, Map<String, String> sql) {
        this.views = views;
        this.dataSource = dataSource;
        this.sql = Map.copyOf(sql);
    }

    /** The JMX face of {@link #run}: what an operator types in Hawtio or JConsole, answered in one line. */
    @ManagedOperation(description = "Runs the reports of a UTC date (YYYY-MM-DD; empty: the latest complete date"
            + " present) and replaces that date's rows; returns what was written")
    public String runReport(String date) throws SQLException {
        return run(date).toString();
    }

    @ManagedAttribute(description = "The last report run (cron, HTTP or JMX) since start and what it wrote")
    public String getLastReport() {
        return lastReport;
    }

    /** Runs the report of a date (YYYY-MM-DD), or of the latest complete date present; returns what it wrote. */
    public Map<String, Object> run(String date) throws SQLException {
        Map<String, Object> result = report(date);
        lastReport = java.time.Instant.now() + " " + result;
        return result;
    }

    private Map<String, Object> report(String date) throws SQLException {
        LocalDate day = date == null || date.isBlank() ? latestCompleteDate() : parse(date);
        Map<String, Object> result = new LinkedHashMap<>();
        if (day == null) {
            result.put("report_date", null);
            result.put("message", "no complete date with views yet: nothing written");
            return result;
        }
        String d = day.toString();
        Map<String, long[]> products = new HashMap<>();   // views, unique devices
        Map<String, Date> lastView = new HashMap<>();
        Map<String, long[]> stores = new HashMap<>();
        // one group per (key, device): the views of each pair and, per product, its last view; folded below into
        // views and distinct devices per key (a null device counts its views, not as a visitor)
        for (Document g : views.aggregate(List.of(
                Aggregates.match(Filters.and(Filters.eq("view_date", d), Filters.ne("product_id", null))),
                Aggregates.group(new Document("p", "$product_id").append("d", "$device_id"),
                        Accumulators.sum("n", 1), Accumulators.max("last", "$view_time"))))) {
            Document id = g.get("_id", Document.class);
            long[] acc = products.computeIfAbsent(id.getString("p"), k -> new long[2]);
            acc[0] += g.get("n", Number.class).longValue();
            acc[1] += id.get("d") == null ? 0 : 1;
            lastView.merge(id.getString("p"), g.getDate("last"), (a, b) -> a.after(b) ? a : b);
        }
        for (Document g : views.aggregate(List.of(
                Aggregates.match(Filters.and(Filters.eq("view_date", d), Filters.ne("store_id", null))),
                Aggregates.group(new Document("s", "$store_id").append("d", "$device_id"), Accumulators.sum("n", 1))))) {
            Document id = g.get("_id", Document.class);
            long[] acc = stores.computeIfAbsent(id.getString("s"), k -> new long[2]);
            acc[0] += g.get("n", Number.class).longValue();
            acc[1] += id.get("d") == null ? 0 : 1;
        }
        Map<String, Long> referrers = new HashMap<>();
        for (Document g : views.aggregate(List.of(
                Aggregates.match(Filters.and(Filters.eq("view_date", d), Filters.ne("referrer_url", null))),
                Aggregates.group("$referrer_url", Accumulators.sum("n", 1))))) {
            referrers.put(g.getString("_id"), g.get("n", Number.class).longValue());
        }
        write(d, products, lastView, stores, referrers);
        result.put("report_date", d);
        result.put("products", products.size());
        result.put("stores", stores.size());
        result.put("referrers", referrers.size());
        if (products.isEmpty()) {
            result.put("message", "no views on " + d + " (UTC): nothing written");
        }
        LOG.info("product-views report for {} (UTC): {} products, {} stores, {} referrers", d, products.size(),
                stores.size(), referrers.size());
        return result;
    }

    private void write(String d, Map<String, long[]> products, Map<String, Date> lastView, Map<String, long[]> stores,
                       Map<String, Long> referrers) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (String delete : sql.get("delete").split(";\\s*\\n")) {
                    try (PreparedStatement ps = c.prepareStatement(delete)) {
                        ps.setString(1, d);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(sql.get("products"))) {
                    for (Map.Entry<String, long[]> e : products.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setLong(2, e.getValue()[0]);
                        ps.setLong(3, e.getValue()[1]);
                        ps.setTimestamp(4, new Timestamp(lastView.get(e.getKey()).getTime()));
                        ps.setString(5, d);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(sql.get("stores"))) {
                    for (Map.Entry<String, long[]> e : stores.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setLong(2, e.getValue()[0]);
                        ps.setLong(3, e.getValue()[1]);
                        ps.setString(4, d);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (PreparedStatement ps = c.prepareStatement(sql.get("referrers"))) {
                    for (Map.Entry<String, Long> e : referrers.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setLong(2, e.getValue());
                        ps.setString(3, d);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The three tables of a date: {"report_date": …, "products": [...], "stores": [...], "referrers": [...]}; with no
     * date, of the latest date reported (report_date null and empty tables before the first report).
     */
    public Map<String, Object> read(String date) throws SQLException {
        String d = date == null || date.isBlank() ? latestReportDate() : parse(date).toString();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("report_date", d);
        Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
        tables.put("products", new ArrayList<>());
        tables.put("stores", new ArrayList<>());
        tables.put("referrers", new ArrayList<>());
        if (d == null) {
            out.putAll(tables);
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.get("select"))) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, d);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String kind = rs.getString(1);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put(kind.equals("product") ? "product_id" : kind.equals("store") ? "store_id" : "referrer_url",
                            rs.getString(2));
                    row.put("view_count", rs.getLong(3));
                    if (!kind.equals("referrer")) {
                        row.put("unique_visitors", rs.getLong(4));
                    }
                    if (kind.equals("product")) {
                        row.put("last_view_time", rs.getTimestamp(5).toInstant().toString());
                    }
                    tables.get(kind.equals("product") ? "products" : kind.equals("store") ? "stores" : "referrers").add(row);
                }
            }
        }
        out.putAll(tables);
        return out;
    }

    private String latestReportDate() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.get("latest"));
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getDate(1) != null ? rs.getDate(1).toLocalDate().toString() : null;
        }
    }

    private LocalDate latestCompleteDate() {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Document latest = views.find(Filters.lt("view_date", today)).sort(Sorts.descending("view_date")).limit(1).first();
        return latest == null ? null : LocalDate.parse(latest.getString("view_date"));
    }

    private static LocalDate parse(String date) {
        if (date == null || date.isBlank()) {
            throw new IllegalArgumentException("date is required, e.g. ?date=2026-11-21 (UTC)");
        }
        try {
            return LocalDate.parse(date.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + date + "' is not YYYY-MM-DD");
        }
    }
}
