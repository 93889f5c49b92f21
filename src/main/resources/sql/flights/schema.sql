-- flights: every price observation, the history behind the Elasticsearch "flights" index.
CREATE TABLE IF NOT EXISTS flight_prices (
    flight_number    TEXT          NOT NULL,
    airline          TEXT,
    source           TEXT          NOT NULL,
    destination      TEXT          NOT NULL,
    origin_code      VARCHAR(3),
    destination_code VARCHAR(3),
    price            NUMERIC(12,2) NOT NULL CHECK (price > 0),
    currency         VARCHAR(3)    NOT NULL,
    departure_time   TIMESTAMPTZ   NOT NULL,
    arrival_time     TIMESTAMPTZ,
    scraped_at       TIMESTAMPTZ   NOT NULL,
    source_site      TEXT          NOT NULL,
    stored_at        TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (flight_number, departure_time, source_site, scraped_at)
);
CREATE INDEX IF NOT EXISTS flight_prices_route ON flight_prices (origin_code, destination_code, departure_time);
