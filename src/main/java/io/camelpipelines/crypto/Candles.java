package io.camelpipelines.crypto;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import io.camelpipelines.common.SqlFiles;
import io.camelpipelines.common.Watermarks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OHLC candles computed by PostgreSQL from stock.real_time_prices, for every configured interval.
 * <p>
 * Why a scheduled job over the tick table rather than an in-memory aggregator: the ticks are already
 * durable and deduplicated on (symbol, trade_id), so recomputing a window from its rows is exact by
 * construction: late trades correct their window, replays change nothing, restarts lose no state,
 * and the rebuild of any time range runs the very same statement. Each run recomputes only the
 * windows that received trades since its watermark (ingested_at), so the cost follows the traffic.
 */
public class Candles {

    private static final Logger LOG = LoggerFactory.getLogger(Candles.class);

    private final DataSource dataSource;
    private final Map<String, CandleInterval> intervals = new LinkedHashMap<>();
    private final Map<String, SqlFiles.Named> upsertSql = new LinkedHashMap<>();
    private final Map<String, String> selectSql = new LinkedHashMap<>();
    private final Duration overlap;
    private final String workMem;
    private final List<String> symbols;

    public Candles(DataSource dataSource, List<String> symbols, List<CandleInterval> intervals, Map<String, String> upsertSqlByLabel,
                   Map<String, String> selectSqlByLabel, Duration overlap, String workMem) {
        this.dataSource = dataSource;
        this.symbols = List.copyOf(symbols);
        intervals.forEach(i -> this.intervals.put(i.label(), i));
        upsertSqlByLabel.forEach((label, sql) -> this.upsertSql.put(label, SqlFiles.Named.parse(sql)));
        this.selectSql.putAll(selectSqlByLabel);
        this.overlap = overlap;
        this.workMem = workMem;
    }

    /** The live job: per interval, the windows touched since its watermark; returns candles written. */
    public int update() throws SQLException {
        int written = 0;
        try (Connection c = dataSource.getConnection()) {
            for (CandleInterval i : intervals.values()) {
                String name = "crypto-prices.candles." + i.label();
                Instant runStarted = Watermarks.now(c);
                Instant since = Watermarks.read(c, name);
                written += upsert(c, i, since == null ? null : since.minus(overlap), Long.MIN_VALUE, Long.MAX_VALUE);
                Watermarks.write(c, name, runStarted);
            }
        }
        return written;
    }

    /** Recomputes every candle whose window overlaps [from, to) from the ticks; returns candles written. */
    public int rebuild(String from, String to) throws SQLException {
        if (from == null || to == null) {
            throw new IllegalArgumentException("from and to are required, e.g. ?from=2026-11-21T09:00:00Z&to=2026-11-21T10:00:00Z");
        }
        return rebuild(Instant.parse(from), Instant.parse(to));
    }

    /**
     * The intervals are rebuilt at the same time, one connection each: every one reads all the ticks of the
     * range, and PostgreSQL runs one statement on one core.
     */
    public int rebuild(Instant from, Instant to) throws SQLException {
        List<CompletableFuture<Integer>> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(intervals.size(), r -> new Thread(r, "candles-rebuild"));
        try {
            for (CandleInterval i : intervals.values()) {
                long fromMs = Math.floorDiv(from.toEpochMilli(), i.millis()) * i.millis();
                long toMs = Math.floorDiv(to.toEpochMilli() + i.millis() - 1, i.millis()) * i.millis();
                runs.add(CompletableFuture.supplyAsync(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        return upsert(c, i, null, fromMs, toMs);
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }, pool));
            }
            int written = 0;
            for (CompletableFuture<Integer> run : runs) {
                written += run.join();
            }
            LOG.info("Rebuilt {} candles for {} .. {}", written, from, to);
            return written;
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * One statement in its own transaction, planned for its values (a rebuild and the live job want opposite
     * plans) and given the memory to aggregate by hashing instead of sorting every tick.
     */
    private int upsert(Connection c, CandleInterval i, Instant since, long fromMs, long toMs) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement settings = c.prepareStatement(
                "SELECT set_config('work_mem', ?, true), set_config('plan_cache_mode', 'force_custom_plan', true)");
             PreparedStatement ps = c.prepareStatement(upsertSql.get(i.label()).jdbc())) {
            settings.setString(1, workMem);
            settings.executeQuery().close();
            // no watermark yet, or a rebuild: every row counts
            upsertSql.get(i.label()).bind(ps, Map.of("ms", i.millis(), "since", since == null ? "-infinity" : since.toString(),
                    "from_ms", fromMs, "to_ms", toMs));
            int written = ps.executeUpdate();
            c.commit();
            return written;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The latest {@code limit} candles of a symbol and interval, newest first. */
    public List<Map<String, Object>> latest(String symbol, String interval, String limit) throws SQLException {
        if (symbol == null || symbol.isBlank()) {
            throw new IllegalArgumentException("symbol is required, e.g. ?symbol=BTCUSDT&interval=1m&limit=100");
        }
        String label = interval == null || interval.isBlank() ? intervals.keySet().iterator().next() : interval;
        int n;
        try {
            n = limit == null || limit.isBlank() ? 100 : Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit '" + limit + "' is not a whole number");
        }
        return latest(symbol.trim().toUpperCase(java.util.Locale.ROOT), label, n);
    }

    private List<Map<String, Object>> latest(String symbol, String interval, int limit) throws SQLException {
        String sql = selectSql.get(interval);
        if (sql == null) {
            throw new IllegalArgumentException("interval '" + interval + "' is not one of " + intervals.keySet());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setInt(2, Math.max(1, Math.min(limit, 10_000)));
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= md.getColumnCount(); col++) {
                        Object v = rs.getObject(col);
                        row.put(md.getColumnLabel(col), v instanceof Timestamp t ? t.toInstant().toString() : v);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** What the dashboard draws: the symbols and intervals. */
    public Map<String, List<String>> markets() {
        return Map.of("symbols", symbols, "intervals", List.copyOf(intervals.keySet()));
    }
}
