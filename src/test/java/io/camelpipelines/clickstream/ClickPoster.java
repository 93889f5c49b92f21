package io.camelpipelines.clickstream;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.camelpipelines.process.ApplicationProcess;

/**
 * A client posting batches of 50 events to POST /api/clicks, in turn to each of the instances it is given (one that
 * does not answer is skipped); an event counts as accepted only when its request got 202.
 */
public final class ClickPoster implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    public final Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    public final AtomicBoolean stop = new AtomicBoolean();
    public final AtomicInteger failures = new AtomicInteger();
    private final List<ApplicationProcess> apps;
    private final String pages;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ClickPoster(List<ApplicationProcess> apps, String pages) {
        this.apps = List.copyOf(apps);
        this.pages = pages;
    }

    /** event_id → how many rows of clickstream_data have it, for the events of these pages. */
    public static Map<String, Long> rowsPerEvent(String url, String pages) throws java.sql.SQLException {
        Map<String, Long> out = new java.util.HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "pipelines", "pipelines")) {
            ClickstreamIT.rowsOfPages(c, pages).forEach(r -> out.merge((String) r.get("event_id"), 1L, Long::sum));
        }
        return out;
    }

    @Override
    public void run() {
        ClickEventGenerator generator = new ClickEventGenerator(300, 1);
        // closed windows a few minutes back, so the aggregation indexes them
        Instant window = Instant.now().minus(15, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        int n = 0;
        int turn = 0;
        while (!stop.get()) {
            List<ClickEvent> batch = new ArrayList<>();
            for (ClickEvent e : generator.next(50)) {
                batch.add(new ClickEvent("crash-" + UUID.randomUUID(), e.userId(), e.sessionId(), e.eventType(),
                        pages + (n % 7), e.elementId(), e.referrer(), e.userAgent(), e.ip(),
                        window.plusSeconds(n % 5 * 60).plusMillis(n * 7L % 60_000)));
                n++;
            }
            ApplicationProcess app = apps.get(turn++ % apps.size());
            try {
                HttpResponse<String> r = app.post("/api/clicks", JSON.writeValueAsString(batch), http);
                if (r.statusCode() == 202) {
                    batch.forEach(e -> accepted.put(e.eventId(), Boolean.TRUE));
                } else {
                    failures.incrementAndGet();
                }
            } catch (Exception down) {
                failures.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
            }
        }
    }
}
