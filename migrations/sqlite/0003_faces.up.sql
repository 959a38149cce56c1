-- Issue 4, the face database: persons on the known list or the blacklist,
-- their face encodings, and the audit trail every change is written to.

-- One person. Removing is a soft delete (active = 0), so a mistaken remove
-- can be undone; a name belongs to at most one active person.
CREATE TABLE persons (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  list       TEXT NOT NULL CHECK (list IN ('known', 'blacklist')),
  reason     TEXT,
  metadata   TEXT NOT NULL DEFAULT '{}',
  active     INTEGER NOT NULL DEFAULT 1,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);

CREATE UNIQUE INDEX persons_active_name ON persons (name) WHERE active = 1;
CREATE INDEX persons_list ON persons (list, id);

-- Face encodings, several per person, each with the model that produced it.
-- encoding is the vector as little-endian float32 bytes, dim * 4 of them.
-- Ids stay below 2^31: the in-memory index keys rows by 32-bit ids.
CREATE TABLE face_encodings (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id     INTEGER NOT NULL REFERENCES persons (id),
  model_name    TEXT NOT NULL,
  model_version TEXT NOT NULL,
  dim           INTEGER NOT NULL,
  encoding      BLOB NOT NULL,
  created_at    REAL NOT NULL,
  CHECK (length(encoding) = dim * 4)
);

CREATE INDEX face_encodings_person ON face_encodings (person_id, id);

-- Who changed what and when. Shared by every feature that records changes:
-- target_type says which store, target_id which row (as text).
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  time        REAL NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  details     TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_time ON audit_log (time);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
