-- The candles of every window that received a trade after :since with a trade time in
-- [:from_ms, :to_ms), recomputed from all trades of the window: open and close by trade time
-- (then trade id), never by arrival. The live job passes since = its watermark; a rebuild passes
-- since = -infinity and a time range: the same statement, so both give the same candles.
-- The values are written where they are used, not once in a CTE, so that the planner sees them (Candles
-- plans every run afresh): with a CTE it could not tell a rebuild from the live job, and the live job
-- read every tick of the table each time.
-- Plan, linear in the ticks read and without sorting them:
-- 1. bounds: the first and the last trade time of the trades that arrived after :since;
-- 2. windows: one hash aggregate over the ticks of the windows between them, keeping the windows whose
--    latest arrival is after :since (so only the touched windows are written);
-- 3. open and close: the first and last trade time of a window, whose price is then looked up by index,
--    two probes per window. Aggregating arrays ordered by time sorted every tick: 3 times slower.
WITH bounds AS (
    SELECT (min(t.first_ts) / :ms) * :ms AS lo, (max(t.last_ts) / :ms) * :ms + :ms AS hi
    FROM (
        -- the live job: the few trades that arrived since, by the ingested_at index. The "+ 0" keeps
        -- PostgreSQL from walking the time index instead, which meets the new trades only at its end.
        SELECT min(p."timestamp" + 0) AS first_ts, max(p."timestamp" + 0) AS last_ts
        FROM stock.real_time_prices p
        WHERE :since::timestamptz > '-infinity' AND p.ingested_at > :since::timestamptz
          AND p."timestamp" >= :from_ms AND p."timestamp" < :to_ms
        UNION ALL
        -- a rebuild (or a first run): every trade of the range, found by two probes of the time index
        SELECT min(p."timestamp"), max(p."timestamp")
        FROM stock.real_time_prices p
        WHERE :since::timestamptz = '-infinity' AND p."timestamp" >= :from_ms AND p."timestamp" < :to_ms
    ) t
), windows AS (
    SELECT p.symbol,
           (p."timestamp" / :ms) * :ms AS ws,
           min(p."timestamp") AS first_ts,
           max(p."timestamp") AS last_ts,
           max(p.price) AS high_price,
           min(p.price) AS low_price,
           round(avg(p.price), 8) AS avg_price,
           sum(p.volume) AS total_volume,
           count(*) AS trade_count
    FROM stock.real_time_prices p, bounds
    WHERE p."timestamp" >= bounds.lo AND p."timestamp" < bounds.hi
    GROUP BY p.symbol, 2
    HAVING max(p.ingested_at) > :since::timestamptz
)
INSERT INTO stock.{{table}} AS c
    (symbol, window_start, window_end, open_price, close_price, high_price, low_price, avg_price, total_volume, trade_count)
SELECT w.symbol, to_timestamp(w.ws / 1000.0), to_timestamp((w.ws + :ms) / 1000.0),
       (SELECT o.price FROM stock.real_time_prices o
        WHERE o.symbol = w.symbol AND o."timestamp" = w.first_ts ORDER BY o.trade_id LIMIT 1),
       (SELECT o.price FROM stock.real_time_prices o
        WHERE o.symbol = w.symbol AND o."timestamp" = w.last_ts ORDER BY o.trade_id DESC LIMIT 1),
       w.high_price, w.low_price, w.avg_price, w.total_volume, w.trade_count
FROM windows w
ON CONFLICT (symbol, window_start) DO UPDATE SET
    window_end = EXCLUDED.window_end, open_price = EXCLUDED.open_price, close_price = EXCLUDED.close_price,
    high_price = EXCLUDED.high_price, low_price = EXCLUDED.low_price, avg_price = EXCLUDED.avg_price,
    total_volume = EXCLUDED.total_volume, trade_count = EXCLUDED.trade_count, updated_at = now()
