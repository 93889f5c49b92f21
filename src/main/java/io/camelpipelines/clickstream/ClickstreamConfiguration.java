package io.camelpipelines.clickstream;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import io.camelpipelines.common.DatabaseSchema;
import io.camelpipelines.common.JdbcBatchWriter;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineMetrics;
import io.camelpipelines.common.SharedConnections;
import io.camelpipelines.common.SqlFiles;
import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans the clickstream routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its tables and index.
 */
@Configuration
public class ClickstreamConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClickstreamConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        Settings s = new Settings(context.getPropertiesComponent());
        boolean enabled = s.getBoolean("clickstream.enabled", true);
        SharedConnections.Shared shared = SharedConnections.ensure(context);
        Registry registry = context.getRegistry();
        DataSource dataSource = shared.dataSource();
        PipelineMetrics metrics = shared.metrics();
        if (enabled) {
            DatabaseSchema.apply(dataSource, SqlFiles.load(context, "sql/clickstream/schema.sql"), "clickstream",
                    s.get("postgres.url", ""));
        }

        ClickEventParser parser = new ClickEventParser(s.getInt("clickstream.ingest.max-events", 10_000));
        registry.bind("clickEventParser", parser);
        registry.bind("clickstreamRecords", new KafkaRecordBatch<>("clickstream", parser, metrics));
        registry.bind("clickstreamRows", new JdbcBatchWriter<>("clickstream", dataSource,
                SqlFiles.load(context, "sql/clickstream/insert-click-events.sql"), COLUMNS, metrics));
        registry.bind("clickEventGenerator", new ClickEventGenerator(s.getInt("clickstream.simulator.users", 5_000),
                Double.parseDouble(s.get("clickstream.simulator.rate", "50"))));
        ClickWindows windows = new ClickWindows(dataSource,
                shared.elasticsearch(),
                SqlFiles.load(context, "sql/clickstream/aggregate-windows.sql"),
                s.get("clickstream.aggregate.index", "click_events"),
                s.getDuration("clickstream.aggregate.overlap", Duration.ofMinutes(2)),
                s.getInt("clickstream.aggregate.chunk-size", 1_000),
                shared.deadLetters(), s.get("clickstream.topic", "clickstream"));
        registry.bind("clickWindows", windows);
        if (!enabled) {
            return;
        }
        try {
            windows.ensureIndex();
        } catch (Exception e) {
            LOG.warn("Elasticsearch index for click windows not created yet ({}); the first aggregation run will", e.getMessage());
        }
    }

    /** The columns of insert-click-events.sql, in its parameter order. */
    static final List<JdbcBatchWriter.Column<ClickEvent>> COLUMNS = List.of(
            new JdbcBatchWriter.Column<>("text", ClickEvent::eventId),
            new JdbcBatchWriter.Column<>("text", ClickEvent::userId),
            new JdbcBatchWriter.Column<>("text", ClickEvent::sessionId),
            new JdbcBatchWriter.Column<>("text", ClickEvent::eventType),
            new JdbcBatchWriter.Column<>("text", ClickEvent::pageUrl),
            new JdbcBatchWriter.Column<>("text", ClickEvent::elementId),
            new JdbcBatchWriter.Column<>("text", ClickEvent::referrer),
            new JdbcBatchWriter.Column<>("text", ClickEvent::userAgent),
            new JdbcBatchWriter.Column<>("text", ClickEvent::ip),
            new JdbcBatchWriter.Column<>("text", e -> e.timestamp().toString()));
}
