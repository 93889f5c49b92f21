INSERT INTO {{clickstream.sink.table}}
    (event_id, user_id, session_id, event_type, page_url, element_id, referrer, user_agent, ip, event_time)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (event_id) DO NOTHING
