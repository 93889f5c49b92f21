-- Moves a scheduled job's watermark once its run completed.
INSERT INTO pipeline_watermarks (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
