-- The live instances: each holds one cluster connection named camel-pipelines/<instance-id>, open since it joined.
SELECT substr(application_name, length('camel-pipelines/') + 1) AS instance_id, backend_start AS since
FROM pg_stat_activity
WHERE application_name LIKE 'camel-pipelines/%'
ORDER BY backend_start
