DROP INDEX events_open;
CREATE INDEX events_open ON events (start_time) WHERE end_time IS NULL;
