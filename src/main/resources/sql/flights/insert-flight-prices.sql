-- One statement per batch, from the rows COPYed into the staging table; idempotent on the observation's key, so a
-- redelivered batch changes nothing.
INSERT INTO flight_prices (flight_number, airline, source, destination, origin_code, destination_code, price, currency,
                           departure_time, arrival_time, scraped_at, source_site)
SELECT flight_number, airline, source, destination, origin_code, destination_code, price, currency,
       departure_time, arrival_time, scraped_at, source_site
FROM flight_prices_staging
ON CONFLICT (flight_number, departure_time, source_site, scraped_at) DO NOTHING
