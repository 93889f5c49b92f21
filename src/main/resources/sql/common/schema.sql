-- How far each scheduled job has read, so a restart resumes where it stopped.
CREATE TABLE IF NOT EXISTS pipeline_watermarks (
    name       TEXT PRIMARY KEY,
    value      TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
