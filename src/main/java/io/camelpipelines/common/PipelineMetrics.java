package io.camelpipelines.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.camel.CamelContext;

/**
 * Per-pipeline record counters, exported at /observe/metrics as pipeline_records_in_total,
 * pipeline_records_out_total, pipeline_records_dlq_total and pipeline_records_dropped_total (records of a source
 * that cannot replay, lost to a failure of the pipeline) with a {@code pipeline} label.
 */
public class PipelineMetrics {

    public enum Kind { IN, OUT, DLQ, DROPPED }

    private final CamelContext context;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public PipelineMetrics(CamelContext context) {
        this.context = context;
    }

    public void count(String pipeline, Kind kind, long n) {
        if (n > 0) {
            counter(pipeline, kind).increment(n);
        }
    }

    /** Makes a pipeline's counters exist at zero, so dashboards and scrapers see it before its first record. */
    public void register(String pipeline) {
        for (Kind kind : Kind.values()) {
            counter(pipeline, kind);
        }
    }

    private Counter counter(String pipeline, Kind kind) {
        return counters.computeIfAbsent(pipeline + '/' + kind, k -> Counter.builder("pipeline.records." + kind.name().toLowerCase())
                .description("Records of a pipeline: in = read from its source, out = written to its sink, dlq = rejected,"
                        + " dropped = lost by a source that cannot replay")
                .tag("pipeline", pipeline)
                .register(registry()));
    }

    /** A pipeline's own gauge, e.g. pipeline_capture_lag_bytes{pipeline="food-orders"}; read at each scrape. */
    public void gauge(String name, String description, String pipeline, java.util.function.Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, () -> {
            Number v = value.get();
            return v == null ? Double.NaN : v.doubleValue();
        }).description(description).tag("pipeline", pipeline).register(registry());
    }

    /** A pipeline's own counter, e.g. pipeline_capture_restarts_total{pipeline="food-orders"}. */
    public Counter counter(String name, String description, String pipeline) {
        return counters.computeIfAbsent(pipeline + '#' + name, k -> Counter.builder(name).description(description)
                .tag("pipeline", pipeline).register(registry()));
    }

    public double value(String pipeline, Kind kind) {
        Counter c = counters.get(pipeline + '/' + kind);
        return c == null ? 0 : c.count();
    }

    /** Every pipeline's counters: {"clickstream": {"in": 10, "out": 9, "dlq": 1, "dropped": 0}, …}. */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        counters.forEach((key, counter) -> {
            if (key.contains("#")) {
                return;
            }
            int slash = key.lastIndexOf('/');
            out.computeIfAbsent(key.substring(0, slash), k -> new java.util.LinkedHashMap<>(Map.of("in", 0L, "out", 0L, "dlq", 0L, "dropped", 0L)))
                    .put(key.substring(slash + 1).toLowerCase(), (long) counter.count());
        });
        return out;
    }

    private MeterRegistry registry() {
        if (registry == null) {
            MeterRegistry found = context.getRegistry().findSingleByType(MeterRegistry.class);
            registry = found != null ? found : Metrics.globalRegistry;
        }
        return registry;
    }
}
