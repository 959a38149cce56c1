-- Issue 3, security events in full: full-text search over events and the
-- rollups that answer events/stats and events/summary.

-- Words of each event's description, person, sub_label, label and camera.
-- Contentless: the text lives in events; the index only answers MATCH.
-- Its rowids come from events_fts_ids, since the implicit rowid of events
-- may change on VACUUM.
CREATE VIRTUAL TABLE events_fts USING fts5(
  body,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);

CREATE TABLE events_fts_ids (
  rowid    INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE
);

-- Counts of events by the hour (and day) their start_time falls in, with the
-- sum of their top scores in millionths, so sums stay exact integers. Kept
-- in the transaction of every event write: each write removes the old
-- state's contribution and adds the new one. '' stands for a null name.
CREATE TABLE event_rollup_hourly (
  bucket       INTEGER NOT NULL,
  event_type   TEXT NOT NULL,
  camera       TEXT NOT NULL,
  label        TEXT NOT NULL,
  person       TEXT NOT NULL,
  event_count  INTEGER NOT NULL,
  score_micros INTEGER NOT NULL,
  PRIMARY KEY (bucket, event_type, camera, label, person)
) WITHOUT ROWID;

CREATE TABLE event_rollup_daily (
  bucket       INTEGER NOT NULL,
  event_type   TEXT NOT NULL,
  camera       TEXT NOT NULL,
  label        TEXT NOT NULL,
  person       TEXT NOT NULL,
  event_count  INTEGER NOT NULL,
  score_micros INTEGER NOT NULL,
  PRIMARY KEY (bucket, event_type, camera, label, person)
) WITHOUT ROWID;

-- Rollups of the events already stored.
INSERT INTO event_rollup_hourly
SELECT CAST(start_time / 3600 AS INTEGER) * 3600, event_type, coalesce(camera, ''),
  coalesce(label, ''), coalesce(person, ''), count(*),
  sum(CAST(round(top_score * 1000000) AS INTEGER))
FROM events GROUP BY 1, 2, 3, 4, 5;

INSERT INTO event_rollup_daily
SELECT CAST(start_time / 86400 AS INTEGER) * 86400, event_type, coalesce(camera, ''),
  coalesce(label, ''), coalesce(person, ''), count(*),
  sum(CAST(round(top_score * 1000000) AS INTEGER))
FROM events GROUP BY 1, 2, 3, 4, 5;

INSERT INTO events_fts_ids (event_id) SELECT id FROM events;

INSERT INTO events_fts (rowid, body)
SELECT s.rowid, concat_ws(' ', e.description, e.person, e.sub_label, e.label, e.camera)
FROM events_fts_ids s JOIN events e ON e.id = s.event_id;
