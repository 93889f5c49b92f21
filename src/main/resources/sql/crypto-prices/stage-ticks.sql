-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-ticks.sql.
-- Typed as the table is, so that COPY reads each value once into its type and the merge only moves rows.
CREATE TEMP TABLE IF NOT EXISTS ticks_staging (
    symbol TEXT, price NUMERIC(24,8), ts BIGINT, event_time TIMESTAMPTZ, volume NUMERIC(28,8), trade_id BIGINT
) ON COMMIT DELETE ROWS
