package io.camelpipelines.foodorders;

import java.io.IOException;
import java.time.Duration;

import javax.sql.DataSource;

import io.camelpipelines.common.DatabaseSchema;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineMetrics;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.common.SqlFiles;
import io.camelpipelines.infra.Settings;
import io.camelpipelines.infra.StartupFailure;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;

/**
 * The beans the food-orders routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its source and watermark tables.
 */
@Configuration
public class FoodOrdersConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        Settings s = new Settings(context.getPropertiesComponent());
        SharedConnections.Shared shared = SharedConnections.ensure(context);
        Registry registry = context.getRegistry();
        DataSource dataSource = shared.dataSource();
        PipelineMetrics metrics = shared.metrics();
        if (s.getBoolean("food-orders.enabled", true)) {
            DatabaseSchema.apply(dataSource, SqlFiles.load(context, "sql/food-orders/schema.sql"), "food-orders",
                    s.get("postgres.url", ""));
        }

        registry.bind("foodOrderCapture", new FoodOrderCapture(dataSource,
                SqlFiles.load(context, "sql/food-orders/capture-orders.sql"),
                "food-orders." + s.get("food-orders.source.table", "orders"),
                s.getInt("food-orders.poll.batch-size", 10_000),
                s.getDuration("food-orders.poll.delay", Duration.ofSeconds(1))));
        registry.bind("foodOrderGenerator", new FoodOrderGenerator(dataSource,
                SqlFiles.load(context, "sql/food-orders/insert-orders.sql"),
                Double.parseDouble(s.get("food-orders.simulator.rate", "20")),
                Double.parseDouble(s.get("food-orders.simulator.bad-share", "0.02"))));
        registry.bind("foodOrderRecords", new KafkaRecordBatch<>("food-orders", new FoodOrderParser(), metrics));
        try {
            registry.bind("foodOrderLake", new ParquetLake("food-orders",
                    s.getPath("food-orders.lake.path", s.get("pipelines.data-dir", "data") + "/lake/food/orders"), metrics));
        } catch (IOException e) {
            throw new StartupFailure("Cannot create the food-orders lake directory: " + e.getMessage()
                    + " (set food-orders.lake.path)", e);
        }
    }
}
