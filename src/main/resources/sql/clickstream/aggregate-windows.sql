-- Per page and closed 1-minute window: clicks, distinct users, distinct sessions, for every window
-- that received a row since :since (late events included), recomputed from all of that window's rows.
WITH touched AS (
    SELECT DISTINCT date_trunc('minute', event_time) AS window_start
    FROM {{clickstream.sink.table}}
    WHERE ingested_at > ?::timestamptz AND event_time < date_trunc('minute', now())
)
SELECT c.page_url,
       t.window_start,
       count(*)                   AS clicks,
       count(DISTINCT c.user_id)  AS unique_users,
       count(DISTINCT c.session_id) AS unique_sessions
FROM {{clickstream.sink.table}} c
JOIN touched t ON c.event_time >= t.window_start AND c.event_time < t.window_start + interval '1 minute'
WHERE c.page_url IS NOT NULL
GROUP BY c.page_url, t.window_start
ORDER BY t.window_start, c.page_url
