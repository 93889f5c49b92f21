package io.camelpipelines.clickstream;

import java.time.Duration;
import java.util.List;

import io.camelpipelines.common.CopyBatchWriter;
import io.camelpipelines.common.KafkaRecordBatch;
import io.camelpipelines.common.PipelineConfiguration;
import io.camelpipelines.infra.Settings;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans the clickstream routes refer to (always bound: routes are created even when they do not
 * start), and, when the pipeline is enabled, its tables and index.
 */
@Configuration
public class ClickstreamConfiguration extends PipelineConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ClickstreamConfiguration.class);

    public ClickstreamConfiguration() {
        super("clickstream");
    }

    @Override
    protected void configure(Setup p) {
        Settings s = p.settings();
        p.control().describe("POST /api/clicks and the simulator -> topic " + s.get("clickstream.topic", "clickstream")
                + " -> PostgreSQL " + s.get("clickstream.sink.table", "clickstream_data") + " -> every "
                + s.get("clickstream.aggregate.period", "60s") + " Elasticsearch " + s.get("clickstream.aggregate.index", "click_events"));
        p.schema("clickstream", p.sql("sql/clickstream/schema.sql"));
        ClickEventParser parser = p.bind("clickEventParser",
                new ClickEventParser(s.getInt("clickstream.ingest.max-events", 10_000)));
        p.bind("clickstreamRecords", new KafkaRecordBatch<>("clickstream", parser, p.metrics()));
        p.bind("clickstreamRows", p.copyWriter("click-events", "click_events_staging", COLUMNS));
        p.bind("clickEventGenerator", new ClickEventGenerator(s.getInt("clickstream.simulator.users", 5_000),
                Double.parseDouble(s.get("clickstream.simulator.rate", "50"))));
        ClickWindows windows = p.bind("clickWindows", new ClickWindows(p.dataSource(),
                p.shared().elasticsearch(),
                p.sql("sql/clickstream/aggregate-windows.sql"),
                s.get("clickstream.aggregate.index", "click_events"),
                s.getDuration("clickstream.aggregate.overlap", Duration.ofMinutes(2)),
                s.getInt("clickstream.aggregate.chunk-size", 1_000),
                p.shared().deadLetters(), s.get("clickstream.topic", "clickstream")));
        if (!p.enabled()) {
            return;
        }
        try {
            windows.ensureIndex();
        } catch (Exception e) {
            // usual at an embedded start: Elasticsearch boots while the routes start
            LOG.info("Elasticsearch index for click windows not created yet ({}); the first aggregation run will", e.getMessage());
        }
    }

    /** The columns of stage-click-events.sql, in its order. */
    static final List<CopyBatchWriter.Column<ClickEvent>> COLUMNS = List.of(
            new CopyBatchWriter.Column<>("event_id", ClickEvent::eventId),
            new CopyBatchWriter.Column<>("user_id", ClickEvent::userId),
            new CopyBatchWriter.Column<>("session_id", ClickEvent::sessionId),
            new CopyBatchWriter.Column<>("event_type", ClickEvent::eventType),
            new CopyBatchWriter.Column<>("page_url", ClickEvent::pageUrl),
            new CopyBatchWriter.Column<>("element_id", ClickEvent::elementId),
            new CopyBatchWriter.Column<>("referrer", ClickEvent::referrer),
            new CopyBatchWriter.Column<>("user_agent", ClickEvent::userAgent),
            new CopyBatchWriter.Column<>("ip", ClickEvent::ip),
            new CopyBatchWriter.Column<>("event_time", ClickEvent::timestamp));
}
