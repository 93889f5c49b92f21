package io.camelpipelines.productviews;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stored views of the last {@code retention} (by when they were stored, not by when they happened, so a
 * replay of old views is kept as long as fresh ones): the embedded MongoDB holds its documents in memory, and its
 * heap must not grow with history. Zero keeps everything (a real MongoDB has its own disk and TTL indexes).
 */
public class ProductViewRetention {

    private static final Logger LOG = LoggerFactory.getLogger(ProductViewRetention.class);

    private final MongoCollection<Document> views;
    private final Duration retention;

    public ProductViewRetention(MongoCollection<Document> views, Duration retention) {
        this.views = views;
        this.retention = retention;
    }

    /** Deletes the views stored before now minus the retention; returns how many. */
    public long run() {
        if (retention.isZero() || retention.isNegative()) {
            return 0;
        }
        long deleted = views.deleteMany(Filters.lt("stored_at", Date.from(Instant.now().minus(retention))))
                .getDeletedCount();
        if (deleted > 0) {
            LOG.info("product-views: {} stored views older than {} deleted (product-views.store.retention)", deleted,
                    retention);
        }
        return deleted;
    }
}
