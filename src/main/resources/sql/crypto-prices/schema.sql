CREATE SCHEMA IF NOT EXISTS stock;

-- One row per trade; (symbol, trade_id) is Binance's natural key, so redelivery never duplicates.
CREATE TABLE IF NOT EXISTS stock.real_time_prices (
    symbol      TEXT          NOT NULL,
    price       NUMERIC(24,8) NOT NULL,
    "timestamp" BIGINT        NOT NULL,   -- trade time, epoch milliseconds
    event_time  TIMESTAMPTZ,
    volume      NUMERIC(28,8) NOT NULL,
    trade_id    BIGINT        NOT NULL,
    -- when the row arrived: the candle job recomputes the windows that received rows since its last run
    ingested_at TIMESTAMPTZ   NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (symbol, trade_id)
);
-- the candle job reads the ticks of a time range, and finds a window's first and last trade (symbol, time, then
-- trade id) in it. With ("timestamp") alone, PostgreSQL could combine it with the primary key for those probes
-- and read half the table for each one (seen on a freshly loaded, not yet analyzed table).
DROP INDEX IF EXISTS stock.real_time_prices_time;
CREATE INDEX IF NOT EXISTS real_time_prices_time_symbol ON stock.real_time_prices ("timestamp", symbol, trade_id);
CREATE INDEX IF NOT EXISTS real_time_prices_ingested_at ON stock.real_time_prices (ingested_at);
