-- One statement per batch: each parameter is the array of one column's values.
INSERT INTO stock.real_time_prices (symbol, price, "timestamp", event_time, volume, trade_id)
SELECT symbol, price, ts, event_time::timestamptz, volume, trade_id
FROM unnest(?::text[], ?::numeric[], ?::bigint[], ?::text[], ?::numeric[], ?::bigint[])
    AS batch (symbol, price, ts, event_time, volume, trade_id)
ON CONFLICT (symbol, trade_id) DO NOTHING
