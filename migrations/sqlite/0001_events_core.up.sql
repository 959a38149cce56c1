-- Security events from Frigate and from the doorbell pipeline, one row each.
-- rev_closed, rev_time, rev_step form the merge clock: a state replaces the
-- stored one only when its clock is greater, so arrival order never matters.
CREATE TABLE events (
  id               TEXT PRIMARY KEY,
  origin           TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  camera           TEXT,
  label            TEXT,
  source           TEXT,
  sub_label        TEXT,
  sub_label_score  REAL,
  score            REAL,
  top_score        REAL NOT NULL DEFAULT 0,
  start_time       REAL NOT NULL,
  end_time         REAL,
  has_clip         INTEGER NOT NULL DEFAULT 0,
  has_snapshot     INTEGER NOT NULL DEFAULT 0,
  processing_stage TEXT,
  parent_event_id  TEXT,
  zones            TEXT NOT NULL DEFAULT '[]',
  data             TEXT NOT NULL,
  rev_closed       INTEGER NOT NULL,
  rev_time         REAL NOT NULL,
  rev_step         INTEGER NOT NULL,
  created_at       REAL NOT NULL,
  updated_at       REAL NOT NULL
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
  event_id TEXT NOT NULL,
  zone     TEXT NOT NULL,
  PRIMARY KEY (event_id, zone)
) WITHOUT ROWID;

CREATE INDEX event_zones_zone ON event_zones (zone, event_id);

-- Payloads that could not be stored, with the reason.
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  message_key TEXT NOT NULL UNIQUE,
  topic       TEXT NOT NULL,
  payload     BLOB NOT NULL,
  size        INTEGER NOT NULL,
  truncated   INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  received_at REAL NOT NULL
);

CREATE INDEX dead_letters_received ON dead_letters (received_at);
CREATE INDEX dead_letters_topic ON dead_letters (topic, id);

-- How far each local inbox has been applied, written in the same transaction
-- as the rows it applied: a batch is applied exactly once.
CREATE TABLE ingest_offsets (
  inbox_id   TEXT PRIMARY KEY,
  last_seq   INTEGER NOT NULL,
  updated_at REAL NOT NULL
);
