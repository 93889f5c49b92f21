package io.camelpipelines.clickstream;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.IndexOperation;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled aggregation: which 1-minute windows received rows since the last run (late rows
 * included), their per-page numbers recomputed from every row of the window, as index operations
 * with id {@code <page_url>|<window_start>} so a re-run overwrites instead of duplicating. The
 * watermark advances only after Elasticsearch accepted the whole bulk.
 */
public class ClickWindows {

    static final String WATERMARK = "clickstream.aggregate";
    private static final String RUN_STARTED = "clickWindowsRunStarted";
    private static final Logger LOG = LoggerFactory.getLogger(ClickWindows.class);

    private final DataSource dataSource;
    private final ElasticsearchClient elasticsearch;
    private final String aggregateSql;
    private final String index;
    private final Duration overlap;
    private volatile boolean indexReady;

    public ClickWindows(DataSource dataSource, ElasticsearchClient elasticsearch, String aggregateSql, String index,
                        Duration overlap) {
        this.dataSource = dataSource;
        this.elasticsearch = elasticsearch;
        this.aggregateSql = aggregateSql;
        this.index = index;
        this.overlap = overlap;
    }

    /** Creates the index with its explicit mapping if it does not exist yet. */
    public synchronized void ensureIndex() throws IOException {
        if (indexReady) {
            return;
        }
        if (!elasticsearch.indices().exists(e -> e.index(index)).value()) {
            try (InputStream mapping = getClass().getClassLoader().getResourceAsStream("elasticsearch/click_events.json")) {
                elasticsearch.indices().create(c -> c.index(index).withJson(mapping));
            }
            LOG.info("Created Elasticsearch index {} with its mapping", index);
        }
        indexReady = true;
    }

    /** Body: the index operations of every window touched since the watermark (minus an overlap for late commits). */
    public List<IndexOperation.Builder<Object>> collect(Exchange exchange) throws Exception {
        ensureIndex();
        List<IndexOperation.Builder<Object>> ops = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Instant runStarted = now(c);
            Instant watermark = watermark(c);
            try (PreparedStatement ps = c.prepareStatement(aggregateSql)) {
                // no watermark yet: every row counts
                ps.setString(1, watermark == null ? "-infinity" : watermark.minus(overlap).toString());
                try (ResultSet rs = ps.executeQuery()) {
                    Instant indexedAt = Instant.now();
                    while (rs.next()) {
                        Instant start = rs.getTimestamp("window_start").toInstant();
                        Map<String, Object> doc = new LinkedHashMap<>();
                        doc.put("page_url", rs.getString("page_url"));
                        doc.put("window_start", start.toString());
                        doc.put("window_end", start.plusSeconds(60).toString());
                        doc.put("clicks", rs.getLong("clicks"));
                        doc.put("unique_users", rs.getLong("unique_users"));
                        doc.put("unique_sessions", rs.getLong("unique_sessions"));
                        doc.put("indexed_at", indexedAt.toString());
                        ops.add(new IndexOperation.Builder<>().index(index).id(documentId(rs.getString("page_url"), start))
                                .document(doc));
                    }
                }
            }
            exchange.setProperty(RUN_STARTED, runStarted);
        }
        return ops;
    }

    public static String documentId(String pageUrl, Instant windowStart) {
        return pageUrl + "|" + windowStart;
    }

    /** After the bulk: fails on any rejected document (the watermark stays), else moves the watermark. */
    public void markDone(Exchange exchange) throws SQLException {
        Object body = exchange.getMessage().getBody();
        List<BulkResponseItem> items = body instanceof BulkResponse r ? r.items()
                : body instanceof List<?> l ? l.stream().filter(BulkResponseItem.class::isInstance)
                        .map(BulkResponseItem.class::cast).toList() : List.of();
        for (BulkResponseItem item : items) {
            if (item.error() != null) {
                throw new IllegalStateException("Elasticsearch rejected document " + item.id() + ": " + item.error().reason());
            }
        }
        Instant runStarted = exchange.getProperty(RUN_STARTED, Instant.class);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO pipeline_watermarks (name, value) VALUES (?, ?) "
                     + "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()")) {
            ps.setString(1, WATERMARK);
            ps.setTimestamp(2, Timestamp.from(runStarted));
            ps.executeUpdate();
        }
        LOG.info("Indexed {} click windows into {}", items.size(), index);
    }

    private static Instant now(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    private static Instant watermark(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM pipeline_watermarks WHERE name = ?")) {
            ps.setString(1, WATERMARK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }
}
