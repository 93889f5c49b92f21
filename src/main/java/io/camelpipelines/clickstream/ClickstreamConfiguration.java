package io.camelpipelines.clickstream;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
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

/** The beans the clickstream routes refer to, and its tables, created at startup when the pipeline is enabled. */
@Configuration
public class ClickstreamConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClickstreamConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        Settings s = new Settings(context.getPropertiesComponent());
        if (!s.getBoolean("clickstream.enabled", true)) {
            return;
        }
        SharedConnections.ensure(context);
        Registry registry = context.getRegistry();
        DataSource dataSource = registry.lookupByNameAndType(SharedConnections.DATA_SOURCE, DataSource.class);
        PipelineMetrics metrics = registry.lookupByNameAndType(SharedConnections.METRICS, PipelineMetrics.class);
        DatabaseSchema.apply(dataSource, SqlFiles.load(context, "sql/clickstream/schema.sql"), "clickstream",
                s.get("postgres.url", ""));

        ClickEventParser parser = new ClickEventParser(s.getInt("clickstream.ingest.max-events", 10_000));
        registry.bind("clickEventParser", parser);
        registry.bind("clickstreamRecords", new KafkaRecordBatch<>("clickstream", parser, metrics));
        registry.bind("clickstreamRows", new JdbcBatchWriter<>("clickstream", dataSource,
                SqlFiles.load(context, "sql/clickstream/insert-click-event.sql"), ClickstreamConfiguration::bind, metrics));
        registry.bind("clickEventGenerator", new ClickEventGenerator(s.getInt("clickstream.simulator.users", 5_000),
                Double.parseDouble(s.get("clickstream.simulator.rate", "50"))));
        ClickWindows windows = new ClickWindows(dataSource,
                registry.lookupByNameAndType(SharedConnections.ES_CLIENT, ElasticsearchClient.class),
                SqlFiles.load(context, "sql/clickstream/aggregate-windows.sql"),
                s.get("clickstream.aggregate.index", "click_events"),
                s.getDuration("clickstream.aggregate.overlap", Duration.ofMinutes(2)));
        registry.bind("clickWindows", windows);
        try {
            windows.ensureIndex();
        } catch (Exception e) {
            LOG.warn("Elasticsearch index for click windows not created yet ({}); the first aggregation run will", e.getMessage());
        }
    }

    static void bind(PreparedStatement ps, ClickEvent e) throws SQLException {
        ps.setString(1, e.eventId());
        ps.setString(2, e.userId());
        ps.setString(3, e.sessionId());
        ps.setString(4, e.eventType());
        ps.setString(5, e.pageUrl());
        ps.setString(6, e.elementId());
        ps.setString(7, e.referrer());
        ps.setString(8, e.userAgent());
        ps.setString(9, e.ip());
        ps.setObject(10, e.timestamp().atOffset(ZoneOffset.UTC));
    }
}
