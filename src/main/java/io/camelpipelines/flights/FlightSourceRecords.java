package io.camelpipelines.flights;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.camelpipelines.common.DeadLetter;
import io.camelpipelines.common.DeadLetterPublisher;
import io.camelpipelines.common.InvalidRecordException;
import io.camelpipelines.common.PipelineMetrics;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step between a flight source and flight-data, shared by every source route: what the source could not map
 * and what breaks a rule go to flight-data.dlq with the reason (and what the source saw, so it can be replayed after
 * a fix); the body becomes the observations to publish. A failed poll of a source is logged once and counted, and
 * the other sources go on.
 */
public class FlightSourceRecords {

    private static final Logger LOG = LoggerFactory.getLogger(FlightSourceRecords.class);

    private final String topic;
    private final FlightObservationParser rules = new FlightObservationParser();
    private final DeadLetterPublisher deadLetters;
    private final PipelineMetrics metrics;
    private final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> published = new ConcurrentHashMap<>();

    public FlightSourceRecords(String topic, DeadLetterPublisher deadLetters, PipelineMetrics metrics) {
        this.topic = topic;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    /** Body: the List of {@link Harvested} or {@link FlightObservation} a source returned; afterwards the valid observations. */
    @SuppressWarnings("unchecked")
    public void publishable(Exchange exchange, String source) throws Exception {
        List<Object> items = exchange.getMessage().getBody(List.class);
        List<FlightObservation> valid = new ArrayList<>(items.size());
        List<DeadLetter> rejected = new ArrayList<>();
        for (Object item : items) {
            Harvested h = item instanceof Harvested x ? x : Harvested.of(null, (FlightObservation) item);
            if (h.observation() == null) {
                rejected.add(letter(h, h.rejection(), exchange, source));
                continue;
            }
            try {
                valid.add(rules.check(h.observation()));
            } catch (InvalidRecordException e) {
                rejected.add(letter(h, e.getMessage(), exchange, source));
            }
        }
        if (!rejected.isEmpty()) {
            deadLetters.publish("flights", rejected);
        }
        counter(published, source).addAndGet(valid.size());
        exchange.getMessage().setBody(valid);
    }

    /** A poll of the source failed (after the client's own retries): one WARN line, counted; the next poll tries again. */
    public void failed(Exchange exchange, String source) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        long n = counter(failures, source).incrementAndGet();
        LOG.warn("flights: source {} failed ({} failures so far), the next poll tries again: {}", source, n,
                e == null ? "unknown error" : e.getMessage());
    }

    public long failures(String source) {
        return counter(failures, source).get();
    }

    public long published(String source) {
        return counter(published, source).get();
    }

    /** Per source: pipeline_flights_source_&lt;source&gt;_failures and …_published, e.g. …_source_api_failures. */
    public void registerGauges(List<String> sources) {
        for (String s : sources) {
            metrics.gauge("pipeline.flights.source." + s + ".failures", "failed polls of flight source " + s, "flights",
                    () -> failures(s));
            metrics.gauge("pipeline.flights.source." + s + ".published", "observations flight source " + s
                    + " published", "flights", () -> published(s));
        }
    }

    private DeadLetter letter(Harvested h, String reason, Exchange exchange, String source) {
        String raw = h.raw() != null ? h.raw() : String.valueOf(h.observation());
        String key = h.observation() == null ? null : h.observation().flightNumber();
        return new DeadLetter(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                raw.getBytes(StandardCharsets.UTF_8), reason, exchange.getFromRouteId(), "source:" + source);
    }

    private static AtomicLong counter(Map<String, AtomicLong> m, String source) {
        return m.computeIfAbsent(source, k -> new AtomicLong());
    }
}
