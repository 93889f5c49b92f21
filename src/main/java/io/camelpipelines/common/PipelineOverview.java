package io.camelpipelines.common;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.camelpipelines.infra.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard shows of each pipeline ({@code GET /api/pipelines/overview}): the state, counters and last error
 * of its {@link PipelineControl}, its records/s over the last minutes, its consumer lag, its latest dead letters; and
 * the health of each shared service. Everything slow (consumer lag: admin calls to Kafka; service health: a query
 * to each service) is measured on a timer of its own, so a page that polls every few seconds, or many pages, cost
 * the services nothing more, and a service that hangs delays neither the page nor the rate samples.
 */
public class PipelineOverview extends ServiceSupport {

    public static final String NAME = "pipelineOverview";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineOverview.class);
    /** The group of the health checks that talk to the shared services (see {@link ServiceHealthCheck}). */
    private static final String SERVICES = "services";
    /** What {@link HealthCheckHelper#invoke(CamelContext, Predicate)} leaves out: routes, consumers, the context. */
    private static final Predicate<HealthCheck> OTHER_CHECKS = check -> !SERVICES.equals(check.getGroup());

    private final CamelContext context;
    private final Duration sampleInterval;
    private final Duration checkInterval;
    private final int samplesKept;
    private final RecentDeadLetters deadLetters;
    private final List<PipelineControl> pipelines = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();
    private final Map<String, Long> lags = new ConcurrentHashMap<>();
    private volatile Map<String, Map<String, Object>> services = Map.of();
    private volatile Instant checkedAt;
    private ScheduledExecutorService timer;

    private record Sample(long time, long in, long out) {
    }

    public PipelineOverview(CamelContext context, Duration sampleInterval, Duration history, Duration checkInterval,
                            RecentDeadLetters deadLetters) {
        this.context = context;
        this.sampleInterval = sampleInterval;
        this.checkInterval = checkInterval;
        // one more sample than rates: a rate is the difference of two
        this.samplesKept = (int) Math.max(2, history.toMillis() / sampleInterval.toMillis() + 1);
        this.deadLetters = deadLetters;
    }

    /**
     * Builds, binds and starts the overview once; every pipeline's configuration calls it with its own
     * {@link PipelineControl}, as camel-main runs configuration classes in no defined order.
     */
    public static synchronized PipelineOverview ensure(CamelContext context) {
        PipelineOverview overview = context.getRegistry().lookupByNameAndType(NAME, PipelineOverview.class);
        if (overview != null) {
            return overview;
        }
        Settings s = new Settings(context.getPropertiesComponent());
        RecentDeadLetters recent = new RecentDeadLetters(s.getInt("dashboard.dead-letters.kept", 5));
        SharedConnections.ensure(context).deadLetters().noteLatestIn(recent);
        overview = new PipelineOverview(context,
                s.getDuration("dashboard.rates.interval", Duration.ofSeconds(5)),
                s.getDuration("dashboard.rates.history", Duration.ofMinutes(10)),
                s.getDuration("dashboard.checks.interval", Duration.ofSeconds(15)),
                recent);
        context.getRegistry().bind(NAME, overview);
        try {
            context.addService(overview, true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return overview;
    }

    public void add(PipelineControl pipeline) {
        pipelines.add(pipeline);
    }

    @Override
    protected void doStart() {
        // two threads: the checks may wait seconds on a service that is down while the rates go on being sampled
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "pipelines-overview");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, 0, sampleInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::check, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void sample() {
        long now = System.currentTimeMillis();
        for (PipelineControl p : pipelines) {
            Deque<Sample> kept = samples.computeIfAbsent(p.getPipeline(), k -> new ArrayDeque<>(samplesKept + 1));
            synchronized (kept) {
                kept.addLast(new Sample(now, p.getRecordsIn(), p.getRecordsOut()));
                if (kept.size() > samplesKept) {
                    kept.removeFirst();
                }
            }
        }
    }

    private void check() {
        for (PipelineControl p : pipelines) {
            try {
                lags.put(p.getPipeline(), p.getConsumerLag());
            } catch (RuntimeException e) {
                LOG.debug("No consumer lag for {}: {}", p.getPipeline(), e.toString());
            }
        }
        try {
            Map<String, Map<String, Object>> found = new TreeMap<>();
            for (HealthCheck.Result r : HealthCheckHelper.invoke(context, OTHER_CHECKS)) {
                Map<String, Object> service = new LinkedHashMap<>();
                service.put("state", r.getState().name());
                service.put("message", r.getMessage().orElse(""));
                service.put("address", r.getDetails().getOrDefault("address", ""));
                service.put("answer", r.getDetails().getOrDefault("answer", ""));
                found.put(r.getCheck().getId(), service);
            }
            services = found;
        } catch (RuntimeException e) {
            LOG.debug("No service health: {}", e.toString());
        }
        checkedAt = Instant.now();
    }

    /** The dashboard's one request: every pipeline, every service. */
    public Map<String, Object> overview() {
        Map<String, Object> byPipeline = new TreeMap<>();
        for (PipelineControl p : pipelines) {
            byPipeline.put(p.getPipeline(), pipeline(p));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        // the rates' times are this clock's: a page places them against it, not against its own
        out.put("time", System.currentTimeMillis());
        out.put("sampleSeconds", sampleInterval.toMillis() / 1000.0);
        out.put("historySeconds", (samplesKept - 1) * sampleInterval.toMillis() / 1000.0);
        out.put("checkedAt", checkedAt == null ? null : checkedAt.toString());
        out.put("pipelines", byPipeline);
        out.put("services", services);
        return out;
    }

    private Map<String, Object> pipeline(PipelineControl p) {
        List<Map<String, Object>> rates = rates(p.getPipeline());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", p.getState());
        out.put("flow", p.getFlow());
        out.put("in", p.getRecordsIn());
        out.put("out", p.getRecordsOut());
        out.put("dlq", p.getRecordsDlq());
        out.put("dropped", p.getRecordsDropped());
        out.put("rate", rates.isEmpty() ? Map.of("in", 0.0, "out", 0.0) : rates.get(rates.size() - 1));
        out.put("rates", rates);
        // null until the first check: unknown is not zero
        out.put("consumerLag", lags.get(p.getPipeline()));
        out.put("lastError", p.getLastError());
        out.put("deadLetters", deadLetters.latest(p.getPipeline()).stream().map(d -> {
            Map<String, Object> letter = new LinkedHashMap<>();
            letter.put("time", d.time().toString());
            letter.put("topic", d.topic());
            letter.put("reason", d.reason());
            letter.put("origin", d.origin());
            return letter;
        }).toList());
        return out;
    }

    /** Records/s between consecutive samples, oldest first: {"t": epoch millis of the later sample, "in", "out"}. */
    private List<Map<String, Object>> rates(String pipeline) {
        Deque<Sample> kept = samples.get(pipeline);
        if (kept == null) {
            return List.of();
        }
        List<Sample> copy;
        synchronized (kept) {
            copy = new ArrayList<>(kept);
        }
        List<Map<String, Object>> out = new ArrayList<>(copy.size());
        for (int i = 1; i < copy.size(); i++) {
            Sample a = copy.get(i - 1);
            Sample b = copy.get(i);
            double seconds = Math.max(1, b.time() - a.time()) / 1000.0;
            Map<String, Object> rate = new LinkedHashMap<>();
            rate.put("t", b.time());
            rate.put("in", perSecond(b.in() - a.in(), seconds));
            rate.put("out", perSecond(b.out() - a.out(), seconds));
            out.add(rate);
        }
        return out;
    }

    private static double perSecond(long records, double seconds) {
        return Math.round(Math.max(0, records) / seconds * 10) / 10.0;
    }
}
