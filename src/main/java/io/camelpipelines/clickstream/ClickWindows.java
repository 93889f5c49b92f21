package io.camelpipelines.clickstream;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import io.camelpipelines.common.ElasticsearchIndex;
import io.camelpipelines.common.Watermarks;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled aggregation: which 1-minute windows received rows since the last run (late rows
 * included), their per-page numbers recomputed from every row of the window, as index operations
 * with an id derived from {@code (page_url, window_start)} so a re-run overwrites instead of duplicating.
 * The windows are read through a database cursor and indexed in chunks of at most {@code chunkSize} documents,
 * so a run's memory does not grow with the backlog (the first run starts from the beginning of time).
 * The watermark advances only after Elasticsearch answered for every chunk: a failure of Elasticsearch
 * (429, 5xx, no answer) retries the whole run; a document Elasticsearch refuses for itself (mapping, size)
 * goes alone to the pipeline's dead-letter topic with the reason, and the others are kept.
 */
public class ClickWindows {

    static final String WATERMARK = "clickstream.aggregate";
    private static final String RUN_STARTED = "clickWindowsRunStarted";
    private static final String DOCUMENTS = "clickWindowsDocuments";
    private static final String INDEXED = "clickWindowsIndexed";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ClickWindows.class);

    private final DataSource dataSource;
    private final ElasticsearchClient elasticsearch;
    private final String aggregateSql;
    private final String index;
    private final Duration overlap;
    private final int chunkSize;
    private final io.camelpipelines.common.DeadLetterPublisher deadLetters;
    /** The topic whose dead-letter topic ({@code <topic>.dlq}) receives refused documents. */
    private final String deadLetterTopic;
    private final ElasticsearchIndex definition;

    public ClickWindows(DataSource dataSource, ElasticsearchClient elasticsearch, String aggregateSql, String index,
                        Duration overlap, int chunkSize, io.camelpipelines.common.DeadLetterPublisher deadLetters,
                        String deadLetterTopic) {
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
        this.dataSource = dataSource;
        this.elasticsearch = elasticsearch;
        this.aggregateSql = aggregateSql;
        this.index = index;
        this.definition = new ElasticsearchIndex(elasticsearch, index, "elasticsearch/click_events.json");
        this.overlap = overlap;
        this.chunkSize = chunkSize;
    }

    /** Creates the index with its explicit mapping (and the template that keeps it) if it does not exist yet. */
    public void ensureIndex() throws IOException {
        definition.ensure();
    }

    /**
     * Body: the documents of every window touched since the watermark (minus an overlap for late commits), as an
     * iterator of chunks read from a cursor; closing it releases the cursor's connection.
     */
    public Chunks collect(Exchange exchange) throws Exception {
        ensureIndex();
        Connection c = dataSource.getConnection();
        try {
            Instant runStarted = Watermarks.now(c);
            Instant watermark = Watermarks.read(c, WATERMARK);
            // a cursor (not the whole result in memory) needs a transaction in PostgreSQL's driver
            c.setAutoCommit(false);
            PreparedStatement ps = c.prepareStatement(aggregateSql);
            ps.setFetchSize(chunkSize);
            // no watermark yet: every row counts
            ps.setString(1, watermark == null ? "-infinity" : watermark.minus(overlap).toString());
            exchange.setProperty(RUN_STARTED, runStarted);
            exchange.setProperty(INDEXED, new java.util.concurrent.atomic.AtomicLong());
            Chunks chunks = new Chunks(c, ps.executeQuery());
            // however the run ends, the cursor's connection goes back to the pool
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    chunks.close();
                }
            });
            return chunks;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    /** The windows of one run, {@code chunkSize} documents at a time: document id -> document. */
    public final class Chunks implements java.util.Iterator<Map<String, Map<String, Object>>>, java.io.Closeable {
        private final Connection connection;
        private final ResultSet rows;
        private final Instant indexedAt = Instant.now();
        private boolean hasRow;
        private boolean closed;

        Chunks(Connection connection, ResultSet rows) throws SQLException {
            this.connection = connection;
            this.rows = rows;
            this.hasRow = rows.next();
        }

        @Override
        public boolean hasNext() {
            return hasRow;
        }

        @Override
        public Map<String, Map<String, Object>> next() {
            Map<String, Map<String, Object>> documents = new LinkedHashMap<>();
            try {
                while (hasRow && documents.size() < chunkSize) {
                    Instant start = rows.getTimestamp("window_start").toInstant();
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("page_url", rows.getString("page_url"));
                    doc.put("window_start", start.toString());
                    doc.put("window_end", start.plusSeconds(60).toString());
                    doc.put("clicks", rows.getLong("clicks"));
                    doc.put("unique_users", rows.getLong("unique_users"));
                    doc.put("unique_sessions", rows.getLong("unique_sessions"));
                    doc.put("indexed_at", indexedAt.toString());
                    documents.put(documentId(rows.getString("page_url"), start), doc);
                    hasRow = rows.next();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Reading click windows failed: " + e.getMessage(), e);
            }
            return documents;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.rollback();
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the click windows cursor: {}", e.getMessage());
            }
        }
    }

    /** A chunk's documents as the index operations of one bulk request (the chunk is kept for markIndexed). */
    public List<IndexOperation.Builder<Object>> operations(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> documents = exchange.getMessage().getBody(Map.class);
        exchange.setProperty(DOCUMENTS, documents);
        List<IndexOperation.Builder<Object>> ops = new ArrayList<>(documents.size());
        documents.forEach((id, doc) -> ops.add(new IndexOperation.Builder<>().index(index).id(id).document(doc)));
        return ops;
    }

    /**
     * SHA-256 of {@code page_url|window_start}, in hex: page URLs may be 2,048 characters, Elasticsearch ids at most
     * 512 bytes, and an id made of user data must never be what makes a document fail.
     */
    public static String documentId(String pageUrl, Instant windowStart) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((pageUrl + "|" + windowStart).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** After a chunk's bulk request: fails on a failure of Elasticsearch (the run is retried), dead-letters the rest. */
    public void markIndexed(Exchange exchange) throws Exception {
        Object body = exchange.getMessage().getBody();
        List<BulkResponseItem> items = body instanceof BulkResponse r ? r.items()
                : body instanceof List<?> l ? l.stream().filter(BulkResponseItem.class::isInstance)
                        .map(BulkResponseItem.class::cast).toList() : List.of();
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> documents = exchange.getProperty(DOCUMENTS, Map.class);
        List<io.camelpipelines.common.DeadLetter> refused = new ArrayList<>();
        for (BulkResponseItem item : items) {
            if (item.error() == null) {
                continue;
            }
            String reason = item.error().type() + ": " + item.error().reason();
            if (item.status() == 429 || item.status() >= 500) {
                // Elasticsearch itself is overloaded or failing: the whole run is retried, the watermark stays
                throw new IllegalStateException("Elasticsearch could not index document " + item.id() + " (" + item.status()
                        + " " + reason + "); the run is retried");
            }
            Map<String, Object> doc = documents == null ? null : documents.get(item.id());
            refused.add(new io.camelpipelines.common.DeadLetter(deadLetterTopic, item.id().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8), doc == null ? new byte[0] : JSON.writeValueAsBytes(doc),
                    "refused by Elasticsearch (" + item.status() + ") " + reason, exchange.getFromRouteId(),
                    index + "/" + item.id()));
        }
        if (!refused.isEmpty()) {
            deadLetters.publish("clickstream", refused);
        }
        java.util.concurrent.atomic.AtomicLong indexed = exchange.getProperty(INDEXED, java.util.concurrent.atomic.AtomicLong.class);
        if (indexed != null) {
            indexed.addAndGet(items.size());
        }
    }

    /** After every chunk of the run was answered: the watermark moves to the run's start. */
    public void markDone(Exchange exchange) throws Exception {
        Instant runStarted = exchange.getProperty(RUN_STARTED, Instant.class);
        try (Connection c = dataSource.getConnection()) {
            Watermarks.write(c, WATERMARK, runStarted);
        }
        java.util.concurrent.atomic.AtomicLong indexed = exchange.getProperty(INDEXED, java.util.concurrent.atomic.AtomicLong.class);
        if (indexed != null && indexed.get() > 0) {
            LOG.info("Indexed {} click windows into {}", indexed.get(), index);
        }
    }
}
