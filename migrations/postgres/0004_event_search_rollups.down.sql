DROP TABLE event_rollup_daily;
DROP TABLE event_rollup_hourly;
DROP INDEX events_search;
ALTER TABLE events DROP COLUMN search;
