-- One statement per batch: each parameter is the array of one column's values.
INSERT INTO {{clickstream.sink.table}}
    (event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time)
SELECT event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time::timestamptz
FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
    AS batch (event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time)
ON CONFLICT (event_id) DO NOTHING
