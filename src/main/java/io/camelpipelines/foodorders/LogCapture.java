package io.camelpipelines.foodorders;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.component.debezium.DebeziumConstants;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change data capture from PostgreSQL's write-ahead log: the {@code food-orders-capture-log} route hands every
 * change Debezium reads (pgoutput, commit order) to {@link #publish}; the change is added to the open capture
 * transaction, and {@link CaptureOffsetStore} commits that transaction together with Debezium's offsets and the
 * position of the last change added. Debezium may resume from offsets older than that position (it flushes them
 * on its own schedule): changes at or before the committed position are recognised and skipped, so a restart
 * neither loses nor repeats one.
 * <p>
 * The position of a change is its {@code sequence}, [LSN of the last commit before its transaction, its own LSN]:
 * transactions arrive in commit order and a transaction's changes in LSN order, so the pair only grows.
 * <p>
 * The initial snapshot is published in one transaction, committed after its last row: Debezium cannot resume a
 * snapshot, it reads the table again, so a snapshot partly committed before a crash would publish its first rows
 * twice. Uncommitted, a crash leaves nothing published, the slot is dropped as unused, and the next start takes a
 * new snapshot that matches its slot exactly. Its rows are not kept in memory for a retry (a table can be big): if
 * Kafka refuses that commit, the capture restarts and reads the table again.
 */
public class LogCapture {

    static final String LAST_SEQUENCE = "log.last-sequence";
    private static final Logger LOG = LoggerFactory.getLogger(LogCapture.class);
    private static final Map<String, LogCapture> BY_NAME = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = io.camelpipelines.common.Json.ISO_TIMES;

    private final String name;
    private final CapturePublisher publisher;
    private final org.apache.camel.CamelContext context;
    private final String routeId;
    private final javax.sql.DataSource dataSource;
    private final String slot;
    private final io.micrometer.core.instrument.Counter restarts;
    private int failures;
    private long[] committed = {-1, -1};
    private long[] lastAdded;
    private long skipped;
    private boolean snapshotOpen;

    public LogCapture(String name, CapturePublisher publisher, org.apache.camel.CamelContext context, String routeId,
                      io.camelpipelines.common.PipelineMetrics metrics, javax.sql.DataSource dataSource, String slot) {
        this.name = name;
        this.dataSource = dataSource;
        this.slot = slot;
        this.publisher = publisher;
        this.context = context;
        this.routeId = routeId;
        this.restarts = metrics.counter("pipeline.capture.restarts", "Restarts of a change-data-capture engine after it"
                + " stopped on a failure", name);
        BY_NAME.put(name, this);
    }

    static LogCapture named(String name) {
        LogCapture c = BY_NAME.get(name);
        if (c == null) {
            throw new IllegalStateException("No log capture named '" + name + "'");
        }
        return c;
    }

    /** Called as Debezium starts: the committed positions, and the last committed change to skip up to. */
    synchronized Map<String, byte[]> start() {
        publisher.reset();
        Map<String, byte[]> positions = publisher.positions();
        if (positions.isEmpty()) {
            forgetUnusedSlot();
        }
        byte[] last = positions.get(LAST_SEQUENCE);
        committed = last == null ? new long[] {-1, -1} : parse(new String(last, StandardCharsets.UTF_8));
        lastAdded = null;
        skipped = 0;
        snapshotOpen = false;
        LOG.info("{}: resuming after the change at {} ({} stored offset entries)", name,
                last == null ? "the start of the slot" : new String(last, StandardCharsets.UTF_8), positions.size() - (last == null ? 0 : 1));
        return positions;
    }

    /**
     * No capture was ever committed, yet the slot may exist (a first run killed before its first commit). Debezium
     * would then read the table while streaming from the slot's older position, and the changes in between would be
     * published twice. Nothing was published from that slot, so it is dropped: Debezium creates it again, with a
     * snapshot that matches its start exactly.
     */
    private void forgetUnusedSlot() {
        if (dataSource == null) {
            return;
        }
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            ps.setString(1, slot);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    LOG.info("{}: dropped replication slot {}: nothing was ever published from it", name, slot);
                }
            }
        } catch (java.sql.SQLException e) {
            LOG.warn("{}: could not drop the unused replication slot {}: {}", name, slot, e.getMessage());
        }
    }

    /** The route's step: one change event from Debezium. */
    public void publish(Exchange exchange) throws JsonProcessingException {
        String op = exchange.getMessage().getHeader(DebeziumConstants.HEADER_OPERATION, String.class);
        if (op == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> source = exchange.getMessage().getHeader(DebeziumConstants.HEADER_SOURCE_METADATA, Map.class);
        String snapshotMark = source == null || source.get("snapshot") == null ? "false" : String.valueOf(source.get("snapshot"));
        boolean snapshot = !"false".equals(snapshotMark);
        // true, first, first_in_data_collection, last_in_data_collection ... last: the initial snapshot's rows
        boolean initialSnapshot = snapshot && !"incremental".equals(snapshotMark);
        long[] sequence = source == null ? null : parse(String.valueOf(source.get("sequence")));
        Struct row = FoodOrder.DELETE.equals(op)
                ? exchange.getMessage().getHeader(DebeziumConstants.HEADER_BEFORE, Struct.class)
                : exchange.getMessage().getBody(Struct.class);
        if (row == null) {
            LOG.warn("{}: a {} change without its row (is the table's REPLICA IDENTITY FULL?): {}", name, op,
                    exchange.getMessage().getHeader(DebeziumConstants.HEADER_KEY));
            return;
        }
        FoodOrder order = toOrder(row, "r".equals(op) ? FoodOrder.INSERT : op);
        synchronized (this) {
            // a snapshot's rows all share one LSN: they are not ordered by it, and a snapshot is redone whole
            if (!snapshot && sequence != null) {
                if (compare(sequence, committed) <= 0) {
                    skipped++;
                    return;
                }
                if (lastAdded == null) {
                    LOG.info("{}: streaming changes from the log, first at {}", name, format(sequence));
                }
                lastAdded = sequence;
            }
            try {
                if (initialSnapshot) {
                    publisher.addUnretained(order.kafkaKey(), JSON.writeValueAsBytes(order));
                    snapshotOpen = !"last".equals(snapshotMark);
                } else {
                    publisher.add(order.kafkaKey(), JSON.writeValueAsBytes(order));
                }
            } catch (CapturePublisher.TransactionLostException e) {
                // the restart is under way; this change is read again by the new engine
                LOG.debug("{}: {}", name, e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (stopping(e)) {
                    // Debezium is stopping and interrupted us: nothing of this is committed, nor are its offsets,
                    // so the change is read again at the next start
                    LOG.debug("{}: stopping; change {} is read again at the next start", name, sequence == null ? "(snapshot)" : format(sequence));
                    return;
                }
                throw e;
            }
            failures = 0;
        }
    }

    private static boolean stopping(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof org.apache.kafka.common.errors.InterruptException) {
                return true;
            }
        }
        return false;
    }

    /** Debezium's offset flush: commits the open transaction with its offsets and the last change's position. */
    synchronized void commit(Map<String, byte[]> offsets) {
        if (snapshotOpen) {
            LOG.debug("{}: initial snapshot under way; its transaction stays open until its last row", name);
            return;
        }
        Map<String, byte[]> positions = new HashMap<>(offsets);
        if (lastAdded != null) {
            positions.put(LAST_SEQUENCE, format(lastAdded).getBytes(StandardCharsets.UTF_8));
        }
        try {
            publisher.commit(positions);
        } catch (CapturePublisher.TransactionLostException e) {
            LOG.warn("{}: {}; restarting the capture, which reads the table again", name, e.getMessage());
            restart(0);
            return;
        }
        if (lastAdded != null) {
            committed = lastAdded;
        }
        if (skipped > 0) {
            LOG.info("{}: skipped {} changes already published before the restart", name, skipped);
            skipped = 0;
        }
    }

    /**
     * Debezium stopped: what is not committed is dropped (its offsets were not stored either). When the route was not
     * being stopped, the engine stopped on a failure (database or Kafka unreachable, slot in use...): Debezium does
     * not restart itself, so the route is restarted, with backoff, and the restart counted.
     */
    synchronized void stop() {
        publisher.reset();
        if (engineFailed()) {
            long delay = Math.min(30_000L, 1000L << Math.min(failures++, 5));
            LOG.warn("{}: the capture engine stopped on a failure (see the error above); restarting route {} in {} ms",
                    name, routeId, delay);
            restart(delay);
        }
    }

    /** Debezium does not restart itself: the route is stopped and started again, off Debezium's threads. */
    private void restart(long delay) {
        restarts.increment();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(delay);
                if (!context.isStopping() && context.getRouteController().getRouteStatus(routeId).isStarted()) {
                    context.getRouteController().stopRoute(routeId);
                    context.getRouteController().startRoute(routeId);
                }
            } catch (Exception e) {
                LOG.error("{}: could not restart route {}: {}", name, routeId, e.getMessage());
            }
        }, name + "-capture-restart");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Camel stops a route by stopping its consumer first (which closes the engine); the engine stopping while its
     * consumer is still started means the engine stopped by itself, on a failure.
     */
    private boolean engineFailed() {
        if (context.isStopping() || context.isStopped()) {
            return false;
        }
        org.apache.camel.Route route = context.getRoute(routeId);
        if (route == null || !(route.getConsumer() instanceof org.apache.camel.StatefulService consumer)) {
            return false;
        }
        return consumer.isStarted() && !consumer.isStopping() && !consumer.isSuspending();
    }


    static FoodOrder toOrder(Struct row, String op) {
        Number id = (Number) row.get("order_id");
        Object created = row.get("created_at");
        Instant createdAt = created == null ? null
                // TIMESTAMP (no time zone) arrives as the wall time in microseconds since the epoch: the table keeps UTC
                : Instant.EPOCH.plus(((Number) created).longValue(), ChronoUnit.MICROS);
        return new FoodOrder(id == null ? null : id.longValue(), (String) row.get("customer_name"),
                (String) row.get("restaurant_name"), (String) row.get("item"), (BigDecimal) row.get("amount"),
                (String) row.get("order_status"), createdAt, op);
    }

    /** ["lsn of the last commit", "lsn"]; a missing part counts as -1. */
    static long[] parse(String sequence) {
        if (sequence == null || sequence.isBlank() || "null".equals(sequence)) {
            return null;
        }
        try {
            JsonNode a = JSON.readTree(sequence);
            return new long[] {part(a.get(0)), part(a.get(1))};
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("Unreadable change sequence " + sequence, e);
        }
    }

    private static long part(JsonNode n) {
        return n == null || n.isNull() ? -1 : Long.parseLong(n.asText());
    }

    static String format(long[] s) {
        return "[\"" + s[0] + "\",\"" + s[1] + "\"]";
    }

    static int compare(long[] a, long[] b) {
        int c = Long.compare(a[0], b[0]);
        return c != 0 ? c : Long.compare(a[1], b[1]);
    }
}
