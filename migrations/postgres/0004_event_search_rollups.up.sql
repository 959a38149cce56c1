-- Issue 3, security events in full: full-text search over events and the
-- rollups that answer events/stats and events/summary.

-- Words of each event's description, person, sub_label, label and camera,
-- split at anything that is not a letter or digit, as SQLite's unicode61
-- tokenizer does. Generated, so every write keeps it in step. (concat_ws is
-- only stable, and a generated column needs an immutable expression.)
ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS (
  to_tsvector('simple'::regconfig, regexp_replace(
    coalesce(description, '') || ' ' || coalesce(person, '') || ' ' ||
      coalesce(sub_label, '') || ' ' || coalesce(label, '') || ' ' || coalesce(camera, ''),
    '[^[:alnum:]]+', ' ', 'g'))
) STORED;

CREATE INDEX events_search ON events USING gin (search);

-- Counts of events by the hour (and day) their start_time falls in, with the
-- sum of their top scores in millionths, so sums stay exact integers. Kept
-- in the transaction of every event write: each write removes the old
-- state's contribution and adds the new one. '' stands for a null name.
CREATE TABLE event_rollup_hourly (
  bucket       bigint NOT NULL,
  event_type   text NOT NULL,
  camera       text NOT NULL,
  label        text NOT NULL,
  person       text NOT NULL,
  event_count  bigint NOT NULL,
  score_micros bigint NOT NULL,
  PRIMARY KEY (bucket, event_type, camera, label, person)
);

CREATE TABLE event_rollup_daily (
  bucket       bigint NOT NULL,
  event_type   text NOT NULL,
  camera       text NOT NULL,
  label        text NOT NULL,
  person       text NOT NULL,
  event_count  bigint NOT NULL,
  score_micros bigint NOT NULL,
  PRIMARY KEY (bucket, event_type, camera, label, person)
);

-- Rollups of the events already stored.
INSERT INTO event_rollup_hourly
SELECT floor(start_time / 3600)::bigint * 3600, event_type, coalesce(camera, ''),
  coalesce(label, ''), coalesce(person, ''), count(*),
  sum(floor(top_score * 1000000 + 0.5)::bigint)
FROM events GROUP BY 1, 2, 3, 4, 5;

INSERT INTO event_rollup_daily
SELECT floor(start_time / 86400)::bigint * 86400, event_type, coalesce(camera, ''),
  coalesce(label, ''), coalesce(person, ''), count(*),
  sum(floor(top_score * 1000000 + 0.5)::bigint)
FROM events GROUP BY 1, 2, 3, 4, 5;
