-- When the oldest transaction still open in this database started (UTC wall time), or now when none is: a row
-- such a transaction writes has created_at = now() = its start, so nothing older than this can still appear.
-- Read in its own statement before the capture query, whose snapshot is taken after it.
-- Other roles' transactions are visible only to a superuser or a member of pg_read_all_stats.
SELECT coalesce(min(xact_start), clock_timestamp()) AT TIME ZONE 'UTC'
FROM pg_stat_activity
WHERE datname = current_database()
  AND backend_type = 'client backend'
  AND pid <> pg_backend_pid()
  AND xact_start IS NOT NULL
