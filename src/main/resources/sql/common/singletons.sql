SELECT name, instance_id, since FROM pipeline_singletons
