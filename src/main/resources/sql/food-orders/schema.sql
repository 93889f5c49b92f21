-- The source table of the seed. created_at is UTC; (created_at, order_id) orders the capture.
CREATE TABLE IF NOT EXISTS {{food-orders.source.table}} (
    order_id        SERIAL PRIMARY KEY,
    customer_name   VARCHAR(255),
    restaurant_name VARCHAR(255),
    item            VARCHAR(255),
    amount          NUMERIC(10,2),
    order_status    VARCHAR(50),
    created_at      TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX IF NOT EXISTS {{food-orders.source.table}}_capture ON {{food-orders.source.table}} (created_at, order_id);
