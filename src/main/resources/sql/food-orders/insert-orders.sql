-- The simulator's orders, one statement per batch (one array per column). Rows of one batch share
-- created_at (the transaction's time): ties the capture's composite watermark must handle.
INSERT INTO {{food-orders.source.table}} (customer_name, restaurant_name, item, amount, order_status)
SELECT * FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::numeric[], ?::varchar[])
