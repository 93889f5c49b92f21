-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-flight-prices.sql.
-- Typed as the table is, so that COPY reads each value once into its type and the merge only moves rows.
CREATE TEMP TABLE IF NOT EXISTS flight_prices_staging (
    flight_number TEXT, airline TEXT, source TEXT, destination TEXT, origin_code TEXT, destination_code TEXT,
    price NUMERIC(12,2), currency TEXT, departure_time TIMESTAMPTZ, arrival_time TIMESTAMPTZ, scraped_at TIMESTAMPTZ,
    source_site TEXT
) ON COMMIT DELETE ROWS
