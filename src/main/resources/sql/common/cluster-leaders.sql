-- Who holds each advisory lock of the application's key space (objid = the singleton's key), and since when.
SELECT l.objid::bigint AS lock_key,
       substr(a.application_name, length('camel-pipelines/') + 1) AS instance_id
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid::bigint = ?
