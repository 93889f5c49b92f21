SELECT symbol, window_start, window_end, open_price, close_price, high_price, low_price, avg_price, total_volume, trade_count
FROM stock.{{table}}
WHERE symbol = ?
ORDER BY window_start DESC
LIMIT ?
