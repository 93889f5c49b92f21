-- One statement per batch, from the rows COPYed into the staging table; idempotent on event_id.
INSERT INTO {{clickstream.sink.table}}
    (event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time)
SELECT event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time
FROM click_events_staging
ON CONFLICT (event_id) DO NOTHING
