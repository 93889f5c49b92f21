-- One statement per batch, from the rows COPYed into the staging table; idempotent on (symbol, trade_id).
INSERT INTO stock.real_time_prices (symbol, price, "timestamp", event_time, volume, trade_id)
SELECT symbol, price, ts, event_time, volume, trade_id
FROM ticks_staging
ON CONFLICT (symbol, trade_id) DO NOTHING
