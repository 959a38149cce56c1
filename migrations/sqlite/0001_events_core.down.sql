DROP TABLE ingest_offsets;
DROP TABLE dead_letters;
DROP TABLE event_zones;
DROP TABLE events;
