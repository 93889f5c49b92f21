-- What the log capture needs of the source table: deletes and updates carry the whole old row (a lake reader
-- sees what was deleted), and a publication of this table only, for the pgoutput plugin. Run by the table's owner.
ALTER TABLE {{food-orders.source.table}} REPLICA IDENTITY FULL;
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '{{food-orders.capture.publication}}') THEN CREATE PUBLICATION {{food-orders.capture.publication}} FOR TABLE {{food-orders.source.table}}; END IF; END $$;
