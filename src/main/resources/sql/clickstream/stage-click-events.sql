-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-click-events.sql.
CREATE TEMP TABLE IF NOT EXISTS click_events_staging (
    event_id TEXT, user_id TEXT, session_id TEXT, event_type TEXT, page_url TEXT, element_id TEXT, referrer TEXT,
    user_agent TEXT, ip TEXT, event_time TEXT
) ON COMMIT DELETE ROWS
