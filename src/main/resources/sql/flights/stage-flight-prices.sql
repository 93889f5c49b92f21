-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-flight-prices.sql.
CREATE TEMP TABLE IF NOT EXISTS flight_prices_staging (
    flight_number TEXT, airline TEXT, source TEXT, destination TEXT, origin_code TEXT, destination_code TEXT,
    price NUMERIC, currency TEXT, departure_time TEXT, arrival_time TEXT, scraped_at TEXT, source_site TEXT
) ON COMMIT DELETE ROWS
