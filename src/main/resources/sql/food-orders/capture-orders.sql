-- The next rows after the watermark (created_at, order_id), oldest first, but only those older than the
-- bound: the start of the oldest transaction still open (open-transactions-start.sql), so a transaction that
-- commits late cannot add a row behind a watermark that has already passed it.
SELECT order_id, customer_name, restaurant_name, item, amount, order_status, created_at
FROM {{food-orders.source.table}}
WHERE (created_at, order_id) > (?, ?)
  AND created_at < ?
ORDER BY created_at, order_id
LIMIT ?
