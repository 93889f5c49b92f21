-- A scheduled job's watermark: the database time its last completed run started at.
SELECT value FROM pipeline_watermarks WHERE name = ?
