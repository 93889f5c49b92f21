-- The candles of every window that received a trade after :since with a trade time in
-- [:from_ms, :to_ms), recomputed from all trades of the window: open and close by trade time
-- (then trade id), never by arrival. The live job passes since = its watermark; a rebuild passes
-- since = -infinity and a time range: the same statement, so both give the same candles.
WITH params AS (
    SELECT ?::bigint AS ms, ?::timestamptz AS since, ?::bigint AS from_ms, ?::bigint AS to_ms
), touched AS (
    SELECT DISTINCT p.symbol, (p."timestamp" / params.ms) * params.ms AS ws
    FROM stock.real_time_prices p, params
    WHERE p.ingested_at > params.since AND p."timestamp" >= params.from_ms AND p."timestamp" < params.to_ms
)
INSERT INTO stock.{{table}} AS c
    (symbol, window_start, window_end, open_price, close_price, high_price, low_price, avg_price, total_volume, trade_count)
SELECT p.symbol,
       to_timestamp(t.ws / 1000.0),
       to_timestamp((t.ws + params.ms) / 1000.0),
       (array_agg(p.price ORDER BY p."timestamp", p.trade_id))[1],
       (array_agg(p.price ORDER BY p."timestamp" DESC, p.trade_id DESC))[1],
       max(p.price),
       min(p.price),
       round(avg(p.price), 8),
       sum(p.volume),
       count(*)
FROM touched t
CROSS JOIN params
JOIN stock.real_time_prices p ON p.symbol = t.symbol AND p."timestamp" >= t.ws AND p."timestamp" < t.ws + params.ms
GROUP BY p.symbol, t.ws, params.ms
ON CONFLICT (symbol, window_start) DO UPDATE SET
    window_end = EXCLUDED.window_end, open_price = EXCLUDED.open_price, close_price = EXCLUDED.close_price,
    high_price = EXCLUDED.high_price, low_price = EXCLUDED.low_price, avg_price = EXCLUDED.avg_price,
    total_volume = EXCLUDED.total_volume, trade_count = EXCLUDED.trade_count, updated_at = now()
