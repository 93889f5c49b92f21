package io.camelpipelines.common;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline as an operator sees it in Hawtio or over Jolokia ({@code io.camelpipelines:type=pipeline,name=<pipeline>}):
 * the state of its routes ({@code <pipeline>-*}), its record counters, the lag of its Kafka consumers, its last
 * error; and what an operator does with it: stop and start its routes, replay its dead letters after a fix.
 */
@ManagedResource(description = "A pipeline: routes, records in/out/DLQ, consumer lag, last error; stop, start, replay its DLQ")
public class PipelineControl {

    public static final String DOMAIN = "io.camelpipelines";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineControl.class);

    private final String pipeline;
    private final CamelContext context;
    private final PipelineMetrics metrics;
    private final DeadLetterReplay replay;
    private final String localBrokers;
    private volatile String lastError = "";
    private volatile RangeJob rebuild;
    private volatile String flow = "";

    /** A pipeline's recomputation of its derived data (candles, daily reports) over a range it understands. */
    @FunctionalInterface
    public interface RangeJob {
        String run(String from, String to) throws Exception;
    }

    public PipelineControl(String pipeline, CamelContext context, PipelineMetrics metrics, DeadLetterReplay replay,
                           String localBrokers) {
        this.pipeline = pipeline;
        this.context = context;
        this.metrics = metrics;
        this.replay = replay;
        this.localBrokers = localBrokers;
    }

    /** Registers the pipeline's bean with Camel's JMX agent once the context runs, and starts noting its errors. */
    public void install() throws Exception {
        // also called whenever a route starts later: register once
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        context.addStartupListener((ctx, alreadyStarted) -> {
            ManagementAgent agent = ctx.getManagementStrategy().getManagementAgent();
            if (agent != null && once.compareAndSet(false, true)) {
                agent.register(this, objectName(pipeline));
            }
        });
        context.getManagementStrategy().addEventNotifier(new ErrorNotes());
        PipelineProgress progress = context.getRegistry().lookupByNameAndType(SharedConnections.PROGRESS, PipelineProgress.class);
        if (progress != null) {
            progress.add(this);
        }
    }

    public static ObjectName objectName(String pipeline) {
        try {
            return new ObjectName(DOMAIN + ":type=pipeline,name=" + pipeline);
        } catch (Exception e) {
            throw new IllegalArgumentException(pipeline, e);
        }
    }

    /** Where the pipeline reads and writes, in one line, for its start line and its bean. */
    public void describe(String flow) {
        this.flow = flow;
    }

    @ManagedAttribute(description = "Where the pipeline reads and writes")
    public String getFlow() {
        return flow;
    }

    @ManagedAttribute(description = "Pipeline name")
    public String getPipeline() {
        return pipeline;
    }

    @ManagedAttribute(description = "Started (every route meant to run runs), Stopped (none runs) or Partial")
    public String getState() {
        List<Route> routes = routes();
        long meant = routes.stream().filter(this::meantToRun).count();
        long running = routes.stream().filter(r -> status(r).isStarted()).count();
        if (running == 0) {
            return "Stopped";
        }
        return running >= meant ? "Started" : "Partial";
    }

    @ManagedAttribute(description = "Each route of the pipeline and its status")
    public Map<String, String> getRoutes() {
        Map<String, String> out = new LinkedHashMap<>();
        routes().forEach(r -> out.put(r.getRouteId(), status(r).name()));
        return out;
    }

    @ManagedAttribute(description = "Records read from the pipeline's source")
    public long getRecordsIn() {
        return (long) metrics.value(pipeline, PipelineMetrics.Kind.IN);
    }

    @ManagedAttribute(description = "Records written to the pipeline's sink")
    public long getRecordsOut() {
        return (long) metrics.value(pipeline, PipelineMetrics.Kind.OUT);
    }

    @ManagedAttribute(description = "Records sent to a dead-letter topic")
    public long getRecordsDlq() {
        return (long) metrics.value(pipeline, PipelineMetrics.Kind.DLQ);
    }

    @ManagedAttribute(description = "Records lost by a source that cannot replay")
    public long getRecordsDropped() {
        return (long) metrics.value(pipeline, PipelineMetrics.Kind.DROPPED);
    }

    @ManagedAttribute(description = "Records in the pipeline's topics not yet committed by its consumer groups (-1: unknown)")
    public long getConsumerLag() {
        long total = 0;
        for (KafkaConfiguration c : consumers()) {
            try (Admin admin = Admin.create(adminSettings(c))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(c.getGroupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                List<TopicPartition> partitions = TopicOffsets.partitions(admin, c.getTopic());
                Map<TopicPartition, Long> earliest = TopicOffsets.earliest(admin, partitions);
                Map<TopicPartition, Long> latest = TopicOffsets.latest(admin, partitions);
                for (TopicPartition tp : partitions) {
                    // a partition the group never committed is read from its earliest record, not from 0
                    OffsetAndMetadata done = committed.get(tp);
                    total += latest.get(tp) - (done == null ? earliest.get(tp) : done.offset());
                }
            } catch (Exception e) {
                return -1;
            }
        }
        return total;
    }

    @ManagedAttribute(description = "The last failure of one of the pipeline's routes: when, where, why")
    public String getLastError() {
        return lastError;
    }

    @ManagedOperation(description = "Stop the pipeline's routes (a batch in flight is finished or redelivered later)")
    public Map<String, String> stop() throws Exception {
        List<Route> routes = new ArrayList<>(routes());
        java.util.Collections.reverse(routes);
        for (Route r : routes) {
            context.getRouteController().stopRoute(r.getRouteId());
        }
        LOG.info("Pipeline {} stopped by an operator", pipeline);
        return getRoutes();
    }

    @ManagedOperation(description = "Start the pipeline's routes that are meant to run")
    public Map<String, String> start() throws Exception {
        for (Route r : routes()) {
            if (meantToRun(r)) {
                context.getRouteController().startRoute(r.getRouteId());
            }
        }
        LOG.info("Pipeline {} started by an operator", pipeline);
        return getRoutes();
    }

    @ManagedOperation(description = "Republish the dead letters of the pipeline's local topics into them, after a fix")
    public String replayDeadLetters() throws Exception {
        Set<String> topics = consumers().stream()
                .filter(c -> localBrokers.equals(c.getBrokers()))
                .map(KafkaConfiguration::getTopic)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        StringBuilder out = new StringBuilder();
        for (String topic : topics) {
            DeadLetterReplay.Result r = replay.replay(topic);
            out.append(out.isEmpty() ? "" : "; ").append(r.replayed()).append(" from ").append(r.deadLetterTopic());
        }
        return out.isEmpty() ? "no local topic to replay into" : out.toString();
    }

    /** What {@link #rebuild} runs; a pipeline without derived data has none. */
    public void rebuildWith(RangeJob job) {
        this.rebuild = job;
    }

    @ManagedOperation(description = "Recompute the pipeline's derived data (candles: ISO instants; daily reports: dates) from..to")
    public String rebuild(String from, String to) throws Exception {
        if (rebuild == null) {
            throw new UnsupportedOperationException(pipeline + " keeps no derived data to rebuild");
        }
        String done = rebuild.run(from, to);
        LOG.info("Pipeline {}: rebuild {}..{} by an operator: {}", pipeline, from, to, done);
        return done;
    }

    private List<Route> routes() {
        return context.getRoutes().stream()
                .filter(r -> r.getRouteId().startsWith(pipeline + "-"))
                .sorted(java.util.Comparator.comparing(Route::getRouteId))
                .toList();
    }

    private boolean meantToRun(Route r) {
        return RouteIntent.meantToRun(context, r.getRouteId());
    }

    private ServiceStatus status(Route r) {
        ServiceStatus s = context.getRouteController().getRouteStatus(r.getRouteId());
        return s == null ? ServiceStatus.Stopped : s;
    }

    private List<KafkaConfiguration> consumers() {
        List<KafkaConfiguration> out = new ArrayList<>();
        for (Route r : routes()) {
            if (r.getEndpoint() instanceof KafkaEndpoint k && k.getConfiguration().getGroupId() != null) {
                out.add(k.getConfiguration());
            }
        }
        return out;
    }

    /** The consumer's own connection settings (a bridge's SASL login included), reduced to what an admin client knows. */
    static Map<String, Object> adminSettings(KafkaConfiguration c) {
        Properties p = c.createConsumerProperties();
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> out = new HashMap<>();
        p.forEach((k, v) -> {
            if (known.contains(k.toString()) && v != null && !v.toString().isBlank()) {
                out.put(k.toString(), v);
            }
        });
        out.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.getBrokers());
        out.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        out.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return out;
    }

    /** Failures and retries of the pipeline's exchanges only: the per-exchange events are not even created. */
    private final class ErrorNotes extends EventNotifierSupport {

        ErrorNotes() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeCompletedEvent(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreExchangeSendingEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeFailedEvent || event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
                Throwable t = exchange.getException() != null ? exchange.getException()
                        : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                String route = exchange.getFromRouteId();
                if (t != null && route != null && route.startsWith(pipeline + "-")) {
                    String why = t.getClass().getSimpleName() + ": " + t.getMessage();
                    lastError = Instant.now() + " " + route + ": " + (why.length() > 500 ? why.substring(0, 500) + "…" : why);
                }
            }
        }
    }
}
