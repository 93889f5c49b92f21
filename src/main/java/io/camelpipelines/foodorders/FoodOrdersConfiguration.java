package io.camelpipelines.foodorders;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineConfiguration;
import io.camelpipelines.common.PipelineMetrics;
import io.camelpipelines.infra.Settings;
import io.camelpipelines.infra.StartupFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The beans the food-orders routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its source and watermark tables.
 */
@Configuration
public class FoodOrdersConfiguration extends PipelineConfiguration {

    public FoodOrdersConfiguration() {
        super("food-orders");
    }

    private static Long slotLag(DataSource dataSource, String slot) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                        + " WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    @Override
    protected void configure(Setup p) throws Exception {
        Settings s = p.settings();
        p.control().describe("PostgreSQL table " + s.get("food-orders.source.table", "orders") + " ("
                + s.get("food-orders.capture.mode", "log") + " capture) -> topic " + s.get("food-orders.topic", "food_orders_raw")
                + " -> Parquet lake under " + s.get("pipelines.data-dir", "data"));
        CamelContext context = p.context();
        DataSource dataSource = p.dataSource();
        PipelineMetrics metrics = p.metrics();
        boolean enabled = p.enabled();
        String mode = s.get("food-orders.capture.mode", "log");
        if (!mode.equals("log") && !mode.equals("poll")) {
            throw new StartupFailure("food-orders.capture.mode must be 'log' or 'poll', not '" + mode + "'");
        }
        boolean capture = enabled && s.getBoolean("food-orders.capture.enabled", true);
        PropertiesComponent pc = context.getPropertiesComponent();
        pc.addOverrideProperty("food-orders.capture.log.auto-startup", String.valueOf(capture && mode.equals("log")));
        pc.addOverrideProperty("food-orders.capture.poll.auto-startup", String.valueOf(capture && mode.equals("poll")));
        SourceDatabase source = SourceDatabase.of(s.get("postgres.url", "jdbc:postgresql://127.0.0.1:5433/pipelines"));
        pc.addOverrideProperty("food-orders.capture.database.hostname", source.host());
        pc.addOverrideProperty("food-orders.capture.database.port", String.valueOf(source.port()));
        pc.addOverrideProperty("food-orders.capture.database.dbname", source.database());
        p.schema("food-orders", p.sql("sql/food-orders/schema.sql"));
        if (capture && mode.equals("log")) {
            p.schema("food-orders capture", p.sql("sql/food-orders/publication.sql"));
        }

        String topic = s.get("food-orders.topic", "food_orders_raw");
        CapturePublisher publisher = new CapturePublisher("food-orders", p.shared().kafka(), topic,
                s.get("food-orders.capture.position-topic", topic + ".capture-position"),
                s.get("food-orders.capture.transactional-id", "camel-pipelines-food-orders-capture"),
                s.getDuration("food-orders.capture.transaction-timeout", Duration.ofMinutes(15)));
        context.addService(publisher, true, true);
        p.bind("foodOrdersCapturePublisher", publisher);
        p.bind("foodOrdersLogCapture", new LogCapture("food-orders", publisher, context,
                "food-orders-capture-log", metrics, dataSource, s.get("food-orders.capture.slot", "food_orders_capture")));
        p.bind("foodOrdersCaptureEngineStop", new CaptureEngineStop("food-orders", metrics,
                s.getDuration("food-orders.capture.stop-timeout", Duration.ofSeconds(60))));
        if (capture && mode.equals("log")) {
            String slot = s.get("food-orders.capture.slot", "food_orders_capture");
            metrics.gauge("pipeline.capture.lag.bytes", "WAL the capture's replication slot holds on the source database:"
                    + " what it has not yet confirmed as published", "food-orders", () -> slotLag(dataSource, slot));
        }
        p.bind("foodOrdersPollCapture", new PollCapture(dataSource, publisher,
                p.sql("sql/food-orders/capture-orders.sql"),
                p.sql("sql/food-orders/open-transactions-start.sql"),
                s.getInt("food-orders.poll.batch-size", 10_000),
                s.getDuration("food-orders.poll.delay", Duration.ZERO)));
        p.bind("foodOrderGenerator", new FoodOrderGenerator(dataSource,
                p.sql("sql/food-orders/insert-orders.sql"),
                Double.parseDouble(s.get("food-orders.simulator.rate", "20")),
                Double.parseDouble(s.get("food-orders.simulator.bad-share", "0.02"))));
        p.bind("foodOrderRecords", new KafkaRecordBatch<>("food-orders", new FoodOrderParser(), metrics));
        try {
            p.bind("foodOrderLake", new ParquetLake("food-orders",
                    s.getPath("food-orders.lake.path", s.get("pipelines.data-dir", "data") + "/lake/food/orders"), metrics));
        } catch (IOException e) {
            throw new StartupFailure("Cannot create the food-orders lake directory: " + e.getMessage()
                    + " (set food-orders.lake.path)", e);
        }
    }
}
