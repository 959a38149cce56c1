DROP TABLE event_rollup_daily;
DROP TABLE event_rollup_hourly;
DROP TABLE events_fts_ids;
DROP TABLE events_fts;
