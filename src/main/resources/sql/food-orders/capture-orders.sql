-- The next rows after the watermark (created_at, order_id), oldest first. Rows younger than the
-- delay are left for the next poll: a transaction that started earlier may still commit a row
-- that sorts before them.
SELECT order_id, customer_name, restaurant_name, item, amount, order_status, created_at
FROM {{food-orders.source.table}}
WHERE (created_at, order_id) > (?, ?)
  AND created_at <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ?)
ORDER BY created_at, order_id
LIMIT ?
