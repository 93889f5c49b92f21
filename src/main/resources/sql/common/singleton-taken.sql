INSERT INTO pipeline_singletons (name, instance_id, since) VALUES (?, ?, now())
ON CONFLICT (name) DO UPDATE SET instance_id = EXCLUDED.instance_id, since = EXCLUDED.since
