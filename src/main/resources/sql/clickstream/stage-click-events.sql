-- Each batch is COPYed here first (one per connection, emptied at every commit), then merged by insert-click-events.sql.
-- Typed as the table is, so that COPY reads each value once into its type and the merge only moves rows.
CREATE TEMP TABLE IF NOT EXISTS click_events_staging (
    event_id TEXT, user_id TEXT, session_id TEXT, event_type TEXT, page_url TEXT, element_id TEXT, referrer TEXT,
    user_agent TEXT, ip TEXT, event_time TIMESTAMPTZ
) ON COMMIT DELETE ROWS
