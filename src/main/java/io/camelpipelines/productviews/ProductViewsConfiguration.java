package io.camelpipelines.productviews;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Indexes;
import io.camelpipelines.common.KafkaForwarder;
import io.camelpipelines.common.KafkaPollRetry;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.MongoBatchWriter;
import io.camelpipelines.common.PipelineConfiguration;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.infra.Settings;
import org.apache.camel.Configuration;
import org.apache.camel.component.kafka.KafkaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans of the product-views routes: the parser shared by the bridge (remote → local topic) and the store
 * (local topic → MongoDB), the bridge's forwarder to the local cluster, the MongoDB writer, and the simulator that
 * feeds the remote cluster in the default profile.
 */
@Configuration
public class ProductViewsConfiguration extends PipelineConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ProductViewsConfiguration.class);

    /** The Kafka component of the bridge's consumer: the remote cluster, with its own poll failure reports. */
    static final String REMOTE_COMPONENT = "product-views-remote";

    public ProductViewsConfiguration() {
        super("product-views");
    }

    @Override
    protected void configure(Setup p) {
        Settings s = p.settings();
        p.control().describe("remote Kafka topic " + s.get("product-views.remote.topic", "product_views") + " -> topic "
                + s.get("product-views.topic", "processed_product_views") + " -> MongoDB "
                + s.get("product-views.store.database", "kafka_data_db") + "." + s.get("product-views.store.collection",
                "product_views_records") + " -> daily reports in PostgreSQL (" + s.get("product-views.report.cron", "") + ")");
        ProductViewParser parser = new ProductViewParser();
        p.bind("productViewRecords", new KafkaRecordBatch<>("product-views", parser, p.metrics()));
        KafkaForwarder<ProductView> forwarder = p.bind("productViewForwarder", new KafkaForwarder<>("product-views",
                p.shared().kafka(), s.get("product-views.topic", "processed_product_views"),
                p.metrics()));
        try {
            p.context().addService(forwarder, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        p.context().addComponent(REMOTE_COMPONENT, remoteCluster(s));
        MongoBatchWriter<ProductView> store = p.bind("productViewDocuments", new MongoBatchWriter<>("product-views",
                p.context().getRegistry().lookupByNameAndType(SharedConnections.MONGO_CLIENT, MongoClient.class),
                s.get("product-views.store.database", "kafka_data_db"),
                s.get("product-views.store.collection", "product_views_records"),
                ProductViewDocuments::batchEncoder, p.metrics()));
        p.bind("productViewGenerator", new ProductViewGenerator(
                Double.parseDouble(s.get("product-views.simulator.rate", "20")),
                s.getInt("product-views.simulator.days", 3), s.getInt("product-views.simulator.products", 500),
                s.getInt("product-views.simulator.devices", 2_000)));
        p.bind("productViewRetention", new ProductViewRetention(store.collection(),
                s.getDuration("product-views.store.retention", java.time.Duration.ofDays(7)), maxViews(s)));
        p.schema("product-views", p.sql("sql/product-views/schema.sql"));
        ProductViewReports reports = p.bind("productViewReports", new ProductViewReports(store.collection(),
                p.dataSource(), java.util.Map.of(
                "delete", p.sql("sql/product-views/delete-report.sql"),
                "products", p.sql("sql/product-views/insert-product-views-daily.sql"),
                "stores", p.sql("sql/product-views/insert-country-views-daily.sql"),
                "referrers", p.sql("sql/product-views/insert-referrer-views-daily.sql"),
                "select", p.sql("sql/product-views/select-report.sql"),
                "latest", p.sql("sql/product-views/select-latest-report-date.sql"))));
        p.control().rebuildWith((from, to) -> {
            java.util.List<Object> done = new java.util.ArrayList<>();
            for (java.time.LocalDate d = java.time.LocalDate.parse(from); !d.isAfter(java.time.LocalDate.parse(to));
                 d = d.plusDays(1)) {
                done.add(reports.run(d.toString()));
            }
            return done.toString();
        });
        try {
            // a service, so JMX shows its runReport operation (org.apache.camel:type=services,name=ProductViewReports)
            p.context().addService(reports, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (!p.enabled()) {
            return;
        }
        replayIntoAnEmptyStore(store, s, p.shared().kafka());
        try {
            // what the daily reports select and group by
            store.collection().createIndex(Indexes.ascending("view_date", "product_id"));
            store.collection().createIndex(Indexes.ascending("view_date", "store_id"));
        } catch (RuntimeException e) {
            LOG.warn("MongoDB indexes for product views not created yet ({}); they are created at the next start",
                    e.getMessage());
        }
    }

    /**
     * A component of its own for the remote cluster, so a refused login names this cluster and the password setting
     * (not the local cluster's) and is retried: a password fixed on either side is picked up without a restart.
     */
    private static KafkaComponent remoteCluster(Settings s) {
        KafkaComponent remote = new KafkaComponent();
        remote.setKafkaClientFactory(new io.camelpipelines.common.InstanceKafkaClients(
                s.get("pipelines.instance-id", "camel-pipelines")));
        remote.setKafkaManualCommitFactory(new io.camelpipelines.common.AssignedCommits());
        remote.setPollExceptionStrategy(new KafkaPollRetry("product-views' remote Kafka cluster",
                s.get("product-views.remote.brokers", "127.0.0.1:9093"),
                s.get("product-views.remote.username", "product-views-bridge"),
                "product-views.remote.password (environment: PRODUCT_VIEWS_REMOTE_PASSWORD)",
                s.getDuration("kafka.poll-retry.max-backoff", java.time.Duration.ofSeconds(10)),
                s.getDuration("kafka.poll-retry.remind-every", java.time.Duration.ofMinutes(5))));
        // the consumer settings camel.component.kafka.* gives the local component; the rest are endpoint parameters
        remote.getConfiguration().setPollTimeoutMs(s.getDuration("camel.component.kafka.poll-timeout-ms",
                java.time.Duration.ofMillis(500)).toMillis());
        remote.getConfiguration().setIsolationLevel(s.get("camel.component.kafka.isolation-level", "read_committed"));
        s.find("camel.component.kafka.partition-assignor").ifPresent(remote.getConfiguration()::setPartitionAssignor);
        remote.getConfiguration().setSessionTimeoutMs(s.getInt("camel.component.kafka.session-timeout-ms", 45000));
        remote.getConfiguration().setHeartbeatIntervalMs(s.getInt("camel.component.kafka.heartbeat-interval-ms", 3000));
        return remote;
    }

    /** An empty store (the embedded MongoDB at every start) is refilled from its topic: see {@link EmptyStoreReplay}. */
    private static void replayIntoAnEmptyStore(MongoBatchWriter<ProductView> store, Settings s,
                                              io.camelpipelines.common.KafkaClients kafka) {
        String group = s.get("product-views.store.group", "product-views-mongodb");
        try {
            if (store.collection().estimatedDocumentCount() > 0) {
                return;
            }
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(kafka.config())) {
                String from = EmptyStoreReplay.rewind(admin, group, s.get("product-views.topic", "processed_product_views"),
                        maxViews(s));
                if (from != null) {
                    LOG.info("product-views: the MongoDB store is empty; consumer group {} starts again from {}", group, from);
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("product-views: could not rewind consumer group {} for an empty store: {}", group, e.getCause().getMessage());
        } catch (Exception e) {
            LOG.warn("product-views: could not rewind consumer group {} for an empty store: {}", group, e.getMessage());
        }
    }

    private static long maxViews(Settings s) {
        return Long.parseLong(s.get("product-views.store.max-views", "0"));
    }
}
