-- Click events as received; event_id is the natural key, so redelivery never duplicates.
CREATE TABLE IF NOT EXISTS {{clickstream.sink.table}} (
    event_id    TEXT PRIMARY KEY,
    user_id     TEXT,
    session_id  TEXT NOT NULL,
    event_type  TEXT,
    page_url    TEXT,
    element_id  TEXT,
    referrer    TEXT,
    user_agent  TEXT,
    ip          TEXT,
    event_time  TIMESTAMPTZ NOT NULL,
    -- when the row arrived: the aggregation re-reads the windows that received rows since its last run
    ingested_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS {{clickstream.sink.table}}_event_time ON {{clickstream.sink.table}} (event_time);
CREATE INDEX IF NOT EXISTS {{clickstream.sink.table}}_ingested_at ON {{clickstream.sink.table}} (ingested_at);
