package io.camelpipelines.productviews;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the stored views of the last {@code retention}, and at most {@code maxViews} of them, the latest stored (by
 * when they were stored, not by when they happened, so a replay of old views is kept as long as fresh ones). The
 * embedded MongoDB holds its documents in the heap, about 3 KB each, so its size must be bounded by a count: a
 * duration alone is not (7 days of the simulator's 20 views/s are 12 million views). Zero turns either bound off (a
 * real MongoDB has its own disk and TTL indexes).
 */
public class ProductViewRetention {

    private static final Logger LOG = LoggerFactory.getLogger(ProductViewRetention.class);
    private static final int DELETE_CHUNK = 10_000;

    private final MongoCollection<Document> views;
    private final Duration retention;
    private final long maxViews;

    public ProductViewRetention(MongoCollection<Document> views, Duration retention, long maxViews) {
        this.views = views;
        this.retention = retention;
        this.maxViews = maxViews;
    }

    /** Deletes the views stored before now minus the retention, then the earliest stored beyond the count; returns how many. */
    public long run() {
        long deleted = 0;
        if (!retention.isZero() && !retention.isNegative()) {
            deleted = views.deleteMany(Filters.lt("stored_at", Date.from(Instant.now().minus(retention)))).getDeletedCount();
            if (deleted > 0) {
                LOG.info("product-views: {} stored views older than {} deleted (product-views.store.retention)", deleted,
                        retention);
            }
        }
        long beyond = maxViews > 0 ? views.countDocuments() - maxViews : 0;
        if (beyond > 0) {
            long trimmed = deleteEarliestStored(beyond);
            LOG.info("product-views: {} earliest stored views deleted to keep {} (product-views.store.max-views)", trimmed,
                    maxViews);
            deleted += trimmed;
        }
        return deleted;
    }

    private long deleteEarliestStored(long count) {
        List<Object> ids = new ArrayList<>();
        long deleted = 0;
        for (Document d : views.find().sort(Sorts.ascending("stored_at", "_id")).limit((int) Math.min(count, Integer.MAX_VALUE))
                .projection(Projections.include("_id"))) {
            ids.add(d.get("_id"));
            if (ids.size() == DELETE_CHUNK) {
                deleted += views.deleteMany(Filters.in("_id", ids)).getDeletedCount();
                ids.clear();
            }
        }
        if (!ids.isEmpty()) {
            deleted += views.deleteMany(Filters.in("_id", ids)).getDeletedCount();
        }
        return deleted;
    }
}
