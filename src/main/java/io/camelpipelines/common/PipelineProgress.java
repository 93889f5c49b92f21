package io.camelpipelines.common;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads in the log without asking: once the application runs, one line per pipeline (its state and
 * its flow, source to sink), then every {@code pipelines.progress.interval} one line per pipeline that moved or lags:
 * records in/out/DLQ since the last line, the rate, and its consumer lag.
 */
public class PipelineProgress extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("pipelines.progress");

    private final CamelContext context;
    private final Duration interval;
    private final List<PipelineControl> pipelines = new CopyOnWriteArrayList<>();
    private final Map<String, long[]> last = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    private final Duration startLinesDelay;

    /** startLinesDelay: the route controller starts the routes after the context; the start lines wait for it. */
    public PipelineProgress(CamelContext context, Duration interval, Duration startLinesDelay) {
        this.context = context;
        this.interval = interval;
        this.startLinesDelay = startLinesDelay;
    }

    public void add(PipelineControl pipeline) {
        pipelines.add(pipeline);
    }

    @Override
    protected void doStart() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipelines-progress");
            t.setDaemon(true);
            return t;
        });
        // a startup listener also runs whenever a route starts later, inside the route controller's lock: it only
        // hands the work to the timer's thread, once
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (once.compareAndSet(false, true)) {
                timer.schedule(this::startLines, startLinesDelay.toMillis(), TimeUnit.MILLISECONDS);
                if (!interval.isZero() && !interval.isNegative()) {
                    long ms = interval.toMillis();
                    timer.scheduleAtFixedRate(this::report, ms, ms, TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    private void startLines() {
        for (PipelineControl p : pipelines) {
            LOG.info("Pipeline {} {}: {}", p.getPipeline(), p.getState().toLowerCase(), p.getFlow());
            last.put(p.getPipeline(), counters(p));
        }
    }

    private void report() {
        for (PipelineControl p : pipelines) {
            try {
                long[] now = counters(p);
                long[] before = last.getOrDefault(p.getPipeline(), new long[3]);
                last.put(p.getPipeline(), now);
                long in = now[0] - before[0];
                long out = now[1] - before[1];
                long dlq = now[2] - before[2];
                long lag = p.getConsumerLag();
                if (in == 0 && out == 0 && dlq == 0 && lag <= 0) {
                    continue;
                }
                double seconds = interval.toMillis() / 1000.0;
                LOG.info("Pipeline {}: in {} out {} dlq {} in the last {} ({} records/s out), consumer lag {}{}",
                        p.getPipeline(), in, out, dlq, interval.toSeconds() + " s", Math.round(out / seconds), lag < 0 ? "unknown" : lag,
                        "Started".equals(p.getState()) ? "" : ", " + p.getState().toLowerCase());
            } catch (RuntimeException e) {
                LOG.debug("No progress line for {}: {}", p.getPipeline(), e.toString());
            }
        }
    }

    private static long[] counters(PipelineControl p) {
        return new long[] {p.getRecordsIn(), p.getRecordsOut(), p.getRecordsDlq()};
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
