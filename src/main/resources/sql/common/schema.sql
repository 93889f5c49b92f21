-- How far each scheduled job has read, so a restart resumes where it stopped.
CREATE TABLE IF NOT EXISTS pipeline_watermarks (
    name       TEXT PRIMARY KEY,
    value      TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Which instance runs each singleton route (pipelines.cluster.singletons) and since when. The lock itself is a
-- PostgreSQL advisory lock held by that instance's cluster connection; this row only remembers when it was taken.
CREATE TABLE IF NOT EXISTS pipeline_singletons (
    name        TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL,
    since       TIMESTAMPTZ NOT NULL
);
