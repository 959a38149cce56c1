-- Issue 3, security events in full: reviews, recognition results, a timeline
-- per event and the stages of native events.

-- Taken from the event's recognition results (event_results) by the batch
-- that writes either; the event upsert never writes them.
ALTER TABLE events ADD COLUMN person TEXT;
ALTER TABLE events ADD COLUMN description TEXT;

CREATE INDEX events_person_start ON events (person, start_time);

-- Face, licence plate, description and classification results (Frigate's
-- tracked_object_update), one row per distinct message. result_key is a hash
-- of the message, so applying it again, or receiving it twice, adds nothing.
-- event_id is not a foreign key: results may arrive before their event.
CREATE TABLE event_results (
  event_id    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  result_key  TEXT NOT NULL,
  time        REAL NOT NULL,
  name        TEXT,
  value       TEXT,
  score       REAL,
  camera      TEXT,
  data        TEXT NOT NULL,
  received_at REAL NOT NULL,
  PRIMARY KEY (event_id, kind, result_key)
);

CREATE INDEX event_results_time ON event_results (event_id, time);

-- What happened to an event, in order: started, zone_entered (one per zone),
-- each recognition result, ended. Each entry keeps its earliest time.
CREATE TABLE event_timeline (
  event_id  TEXT NOT NULL,
  kind      TEXT NOT NULL,
  entry_key TEXT NOT NULL,
  time      REAL NOT NULL,
  detail    TEXT,
  PRIMARY KEY (event_id, kind, entry_key)
);

CREATE INDEX event_timeline_time ON event_timeline (event_id, time);

-- Enrichments and errors of each processing stage of a native event, so a
-- later stage does not erase what an earlier one reported.
CREATE TABLE event_stages (
  event_id    TEXT NOT NULL,
  stage       TEXT NOT NULL,
  stage_rank  INTEGER NOT NULL,
  enrichments TEXT,
  errors      TEXT NOT NULL DEFAULT '[]',
  received_at REAL NOT NULL,
  PRIMARY KEY (event_id, stage)
);

-- Frigate review items (alerts and detections), one row each, merged with
-- the same revision clock as events.
CREATE TABLE reviews (
  id          TEXT PRIMARY KEY,
  camera      TEXT NOT NULL,
  severity    TEXT NOT NULL,
  start_time  REAL NOT NULL,
  end_time    REAL,
  thumb_path  TEXT,
  data        TEXT NOT NULL,
  rev_closed  INTEGER NOT NULL,
  rev_time    REAL NOT NULL,
  rev_step    INTEGER NOT NULL,
  created_at  REAL NOT NULL,
  updated_at  REAL NOT NULL
);

CREATE INDEX reviews_start ON reviews (start_time, id);
CREATE INDEX reviews_camera_start ON reviews (camera, start_time);
CREATE INDEX reviews_severity_start ON reviews (severity, start_time);
CREATE INDEX reviews_open ON reviews (start_time) WHERE end_time IS NULL;

-- The list fields of a review's data (objects, sub_labels, zones, detections,
-- audio), one value per row; they only accumulate, like event_zones.
CREATE TABLE review_values (
  review_id TEXT NOT NULL,
  kind      TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (review_id, kind, value)
) WITHOUT ROWID;

CREATE INDEX review_values_value ON review_values (kind, value, review_id);
