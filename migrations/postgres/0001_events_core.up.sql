-- Security events from Frigate and from the doorbell pipeline, one row each.
-- rev_closed, rev_time, rev_step form the merge clock: a state replaces the
-- stored one only when its clock is greater, so arrival order never matters.
CREATE TABLE events (
  id               text PRIMARY KEY,
  origin           text NOT NULL,
  event_type       text NOT NULL,
  camera           text,
  label            text,
  source           text,
  sub_label        text,
  sub_label_score  double precision,
  score            double precision,
  top_score        double precision NOT NULL DEFAULT 0,
  start_time       double precision NOT NULL,
  end_time         double precision,
  has_clip         boolean NOT NULL DEFAULT false,
  has_snapshot     boolean NOT NULL DEFAULT false,
  processing_stage text,
  parent_event_id  text,
  zones            jsonb NOT NULL DEFAULT '[]',
  data             jsonb NOT NULL,
  rev_closed       integer NOT NULL,
  rev_time         double precision NOT NULL,
  rev_step         integer NOT NULL,
  created_at       double precision NOT NULL,
  updated_at       double precision NOT NULL
);

CREATE INDEX events_start ON events (start_time, id);
CREATE INDEX events_camera_start ON events (camera, start_time);
CREATE INDEX events_label_start ON events (label, start_time);
CREATE INDEX events_sub_label_start ON events (sub_label, start_time);
CREATE INDEX events_type_start ON events (event_type, start_time);
CREATE INDEX events_score ON events (top_score, id);
CREATE INDEX events_open ON events (start_time) WHERE end_time IS NULL;
CREATE INDEX events_parent ON events (parent_event_id) WHERE parent_event_id IS NOT NULL;

-- Zones an event entered; grows only, so every state adds and none removes.
CREATE TABLE event_zones (
  event_id text NOT NULL,
  zone     text NOT NULL,
  PRIMARY KEY (event_id, zone)
);

CREATE INDEX event_zones_zone ON event_zones (zone, event_id);

-- Payloads that could not be stored, with the reason.
CREATE TABLE dead_letters (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_key text NOT NULL UNIQUE,
  topic       text NOT NULL,
  payload     bytea NOT NULL,
  size        integer NOT NULL,
  truncated   boolean NOT NULL,
  reason      text NOT NULL,
  received_at double precision NOT NULL
);

CREATE INDEX dead_letters_received ON dead_letters (received_at);
CREATE INDEX dead_letters_topic ON dead_letters (topic, id);

-- How far each local inbox has been applied, written in the same transaction
-- as the rows it applied: a batch is applied exactly once.
CREATE TABLE ingest_offsets (
  inbox_id   text PRIMARY KEY,
  last_seq   bigint NOT NULL,
  updated_at double precision NOT NULL
);
