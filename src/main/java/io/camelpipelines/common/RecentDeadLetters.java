package io.camelpipelines.common;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest dead letters of each pipeline, kept in memory for the dashboard: an operator wants to see why records
 * are being rejected right now without reading the .dlq topics. Only the reason and where the record came from are
 * kept, never the record itself (it may be large, or hostile).
 */
public class RecentDeadLetters {

    /** One rejected record as the dashboard shows it. */
    public record Entry(Instant time, String topic, String reason, String route, String origin) {
    }

    private final int kept;
    private final Map<String, Deque<Entry>> byPipeline = new ConcurrentHashMap<>();

    public RecentDeadLetters(int kept) {
        this.kept = kept;
    }

    public void note(String pipeline, List<DeadLetter> letters, Instant time) {
        Deque<Entry> latest = byPipeline.computeIfAbsent(pipeline, p -> new ArrayDeque<>(kept + 1));
        synchronized (latest) {
            // a batch of thousands of rejects would only push its own first ones out again
            for (DeadLetter d : letters.subList(Math.max(0, letters.size() - kept), letters.size())) {
                latest.addFirst(new Entry(time, d.topic(), shorten(d.reason()), d.route(), d.origin()));
                if (latest.size() > kept) {
                    latest.removeLast();
                }
            }
        }
    }

    /** Newest first. */
    public List<Entry> latest(String pipeline) {
        Deque<Entry> latest = byPipeline.get(pipeline);
        if (latest == null) {
            return List.of();
        }
        synchronized (latest) {
            return new ArrayList<>(latest);
        }
    }

    private static String shorten(String reason) {
        if (reason == null) {
            return "";
        }
        return reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
    }
}
