-- The observations of one flight, for GET /api/flights/{flight_number}/history: by departure, then as seen.
SELECT departure_time, source, destination, price, currency, scraped_at, source_site
FROM flight_prices
WHERE flight_number = ?
ORDER BY departure_time, scraped_at
LIMIT ?
