-- Issue 3, security events in full: reviews, recognition results, a timeline
-- per event and the stages of native events.

-- Taken from the event's recognition results (event_results) by the batch
-- that writes either; the event upsert never writes them.
ALTER TABLE events ADD COLUMN person text;
ALTER TABLE events ADD COLUMN description text;

CREATE INDEX events_person_start ON events (person, start_time);

-- Face, licence plate, description and classification results (Frigate's
-- tracked_object_update), one row per distinct message. result_key is a hash
-- of the message, so applying it again, or receiving it twice, adds nothing.
-- event_id is not a foreign key: results may arrive before their event.
CREATE TABLE event_results (
  event_id    text NOT NULL,
  kind        text NOT NULL,
  result_key  text NOT NULL,
  time        double precision NOT NULL,
  name        text,
  value       text,
  score       double precision,
  camera      text,
  data        jsonb NOT NULL,
  received_at double precision NOT NULL,
  PRIMARY KEY (event_id, kind, result_key)
);

CREATE INDEX event_results_time ON event_results (event_id, time);

-- What happened to an event, in order: started, zone_entered (one per zone),
-- each recognition result, ended. Each entry keeps its earliest time.
CREATE TABLE event_timeline (
  event_id  text NOT NULL,
  kind      text NOT NULL,
  entry_key text NOT NULL,
  time      double precision NOT NULL,
  detail    jsonb,
  PRIMARY KEY (event_id, kind, entry_key)
);

CREATE INDEX event_timeline_time ON event_timeline (event_id, time);

-- Enrichments and errors of each processing stage of a native event, so a
-- later stage does not erase what an earlier one reported.
CREATE TABLE event_stages (
  event_id    text NOT NULL,
  stage       text NOT NULL,
  stage_rank  integer NOT NULL,
  enrichments jsonb,
  errors      jsonb NOT NULL DEFAULT '[]',
  received_at double precision NOT NULL,
  PRIMARY KEY (event_id, stage)
);

-- Frigate review items (alerts and detections), one row each, merged with
-- the same revision clock as events.
CREATE TABLE reviews (
  id          text PRIMARY KEY,
  camera      text NOT NULL,
  severity    text NOT NULL,
  start_time  double precision NOT NULL,
  end_time    double precision,
  thumb_path  text,
  data        jsonb NOT NULL,
  rev_closed  integer NOT NULL,
  rev_time    double precision NOT NULL,
  rev_step    integer NOT NULL,
  created_at  double precision NOT NULL,
  updated_at  double precision NOT NULL
);

CREATE INDEX reviews_start ON reviews (start_time, id);
CREATE INDEX reviews_camera_start ON reviews (camera, start_time);
CREATE INDEX reviews_severity_start ON reviews (severity, start_time);
CREATE INDEX reviews_open ON reviews (start_time) WHERE end_time IS NULL;

-- The list fields of a review's data (objects, sub_labels, zones, detections,
-- audio), one value per row; they only accumulate, like event_zones.
CREATE TABLE review_values (
  review_id text NOT NULL,
  kind      text NOT NULL,
  value     text NOT NULL,
  PRIMARY KEY (review_id, kind, value)
);

CREATE INDEX review_values_value ON review_values (kind, value, review_id);
