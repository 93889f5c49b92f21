-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-ticks.sql.
CREATE TEMP TABLE IF NOT EXISTS ticks_staging (
    symbol TEXT, price NUMERIC, ts BIGINT, event_time TEXT, volume NUMERIC, trade_id BIGINT
) ON COMMIT DELETE ROWS
