package io.camelpipelines.foodorders;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import io.camelpipelines.common.PipelineMetrics;
import io.debezium.engine.DebeziumEngine;
import io.micrometer.core.instrument.Counter;
import org.apache.camel.Route;
import org.apache.camel.component.debezium.DebeziumConsumer;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes stopping a Debezium route that Camel could not stop. Debezium refuses to close an engine while its tasks
 * are starting (they are opening the replication connection and creating the slot: closing then would leak them),
 * and camel-debezium's consumer calls {@code close()} once, so a route stopped in that window, from Hawtio, by the
 * cluster's leader election or by a restart, is reported stopped while its engine goes on: it holds the replication
 * slot and keeps publishing, and every later start of the route fails with "replication slot is active". This policy
 * runs once the route is stopped: if the engine is not closed yet, it asks again until the tasks have started and
 * Debezium accepts (bounded by {@code food-orders.capture.stop-timeout}), then stops the thread that ran it. Counted as
 * {@code pipeline_capture_deferred_stops_total}. An engine that had stopped by itself on a failure makes that one
 * {@code close()} fail as well ("already shut down"), which left the consumer's thread behind at each restart of the
 * route: that thread is stopped too.
 */
public final class CaptureEngineStop extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureEngineStop.class);
    private static final String STARTING = "tasks are starting";

    private final Duration timeout;
    private final Counter deferred;

    public CaptureEngineStop(String pipeline, PipelineMetrics metrics, Duration timeout) {
        this.timeout = timeout;
        this.deferred = metrics.counter("pipeline.capture.deferred.stops", "Stops of a change-data-capture route that"
                + " had to wait for Debezium to finish starting its task", pipeline);
    }

    @Override
    public void onStop(Route route) {
        if (!(route.getConsumer() instanceof DebeziumConsumer consumer)) {
            return;
        }
        ExecutorService runner = field(consumer, "executorService", ExecutorService.class);
        if (runner == null || runner.isShutdown()) {
            return; // the consumer's own stop went through: it shuts the engine's thread down last
        }
        DebeziumEngine<?> engine = field(consumer, "dbzEngine", DebeziumEngine.class);
        if (engine == null) {
            return;
        }
        boolean waited = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                engine.close();
                break;
            } catch (IllegalStateException e) {
                if (e.getMessage() == null || !e.getMessage().contains(STARTING)) {
                    break; // it stopped by itself, on a failure: only its thread is left to stop
                }
                if (!waited) {
                    waited = true;
                    deferred.increment();
                    LOG.info("{}: its capture engine was still starting its task when the route stopped; closing it"
                            + " once the task has started", route.getRouteId());
                }
                if (System.nanoTime() > deadline) {
                    LOG.error("{}: its capture engine was still starting after {}; it may hold the replication slot"
                            + " until this process stops", route.getRouteId(), timeout);
                    return;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (java.io.IOException e) {
                LOG.warn("{}: closing its capture engine failed: {}", route.getRouteId(), e.getMessage());
                break;
            }
        }
        // the rest of the consumer's own stop
        route.getCamelContext().getExecutorServiceManager().shutdownGraceful(runner);
        if (waited) {
            LOG.info("{}: capture engine closed", route.getRouteId());
        }
    }

    double deferredStops() {
        return deferred.count();
    }

    /** camel-debezium keeps the engine and its thread to itself (FoodOrdersIT fails if these names change). */
    private static <T> T field(DebeziumConsumer consumer, String name, Class<T> type) {
        try {
            Field f = DebeziumConsumer.class.getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(consumer));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.error("Cannot reach the Debezium consumer's {} ({}): a capture engine stopped while starting may stay"
                    + " open", name, e.toString());
            return null;
        }
    }
}
