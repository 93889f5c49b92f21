-- One table per configured interval (crypto-prices.candles.intervals); (symbol, window_start) is its key.
CREATE TABLE IF NOT EXISTS stock.{{table}} (
    symbol       TEXT          NOT NULL,
    window_start TIMESTAMPTZ   NOT NULL,
    window_end   TIMESTAMPTZ   NOT NULL,
    open_price   NUMERIC(24,8) NOT NULL,
    close_price  NUMERIC(24,8) NOT NULL,
    high_price   NUMERIC(24,8) NOT NULL,
    low_price    NUMERIC(24,8) NOT NULL,
    avg_price    NUMERIC(24,8) NOT NULL,
    total_volume NUMERIC(28,8) NOT NULL,
    trade_count  BIGINT        NOT NULL,
    updated_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, window_start)
);
