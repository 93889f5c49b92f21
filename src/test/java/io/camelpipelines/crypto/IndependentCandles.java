package io.camelpipelines.crypto;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * OHLC candles computed in Java from a list of trades, the way a reader of the contract would compute them, to be
 * compared with what the pipeline stored: window start (ms) -> open, close, high, low, avg, volume, count.
 */
final class IndependentCandles {

    private IndependentCandles() {
    }

    static Map<Long, List<BigDecimal>> expected(List<Trade> trades, long intervalMs) {
        Map<Long, List<Trade>> windows = new TreeMap<>();
        for (Trade t : trades) {
            windows.computeIfAbsent(Math.floorDiv(t.time(), intervalMs) * intervalMs, k -> new ArrayList<>()).add(t);
        }
        Map<Long, List<BigDecimal>> out = new TreeMap<>();
        windows.forEach((start, ts) -> {
            List<Trade> byTime = new ArrayList<>(ts);
            byTime.sort((a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time()) : Long.compare(a.id(), b.id()));
            BigDecimal sum = ts.stream().map(Trade::price).reduce(BigDecimal.ZERO, BigDecimal::add);
            out.put(start, normalized(List.of(byTime.get(0).price(), byTime.get(byTime.size() - 1).price(),
                    ts.stream().map(Trade::price).max(BigDecimal::compareTo).orElseThrow(),
                    ts.stream().map(Trade::price).min(BigDecimal::compareTo).orElseThrow(),
                    sum.divide(BigDecimal.valueOf(ts.size()), 8, RoundingMode.HALF_UP),
                    ts.stream().map(Trade::qty).reduce(BigDecimal.ZERO, BigDecimal::add),
                    BigDecimal.valueOf(ts.size()))));
        });
        return out;
    }

    /** The candles of a symbol stored in stock.{table} with a window start in [from, to). */
    static Map<Long, List<BigDecimal>> stored(Connection c, String table, String symbol, Instant from, Instant to)
            throws Exception {
        Map<Long, List<BigDecimal>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT window_start, open_price, close_price, high_price, low_price, avg_price, total_volume, trade_count "
                        + "FROM stock." + table + " WHERE symbol = ? AND window_start >= ? AND window_start < ?")) {
            ps.setString(1, symbol);
            ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<BigDecimal> v = new ArrayList<>();
                    for (int col = 2; col <= 8; col++) {
                        v.add(rs.getBigDecimal(col));
                    }
                    out.put(rs.getTimestamp(1).toInstant().toEpochMilli(), normalized(v));
                }
            }
        }
        return out;
    }

    private static List<BigDecimal> normalized(List<BigDecimal> values) {
        return values.stream().map(BigDecimal::stripTrailingZeros).toList();
    }
}
