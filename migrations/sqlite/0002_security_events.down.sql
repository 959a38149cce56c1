DROP TABLE review_values;
DROP TABLE reviews;
DROP TABLE event_stages;
DROP TABLE event_timeline;
DROP TABLE event_results;
DROP INDEX events_person_start;
ALTER TABLE events DROP COLUMN description;
ALTER TABLE events DROP COLUMN person;
