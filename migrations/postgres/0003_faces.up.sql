-- Issue 4, the face database: persons on the known list or the blacklist,
-- their face encodings, and the audit trail every change is written to.

-- One person. Removing is a soft delete (active = false), so a mistaken
-- remove can be undone; a name belongs to at most one active person.
CREATE TABLE persons (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  list       text NOT NULL CHECK (list IN ('known', 'blacklist')),
  reason     text,
  metadata   jsonb NOT NULL DEFAULT '{}',
  active     boolean NOT NULL DEFAULT true,
  created_at double precision NOT NULL,
  updated_at double precision NOT NULL
);

CREATE UNIQUE INDEX persons_active_name ON persons (name) WHERE active;
CREATE INDEX persons_list ON persons (list, id);

-- Face encodings, several per person, each with the model that produced it.
-- encoding is the vector as little-endian float32 bytes, dim * 4 of them.
-- integer ids: the in-memory index keys rows by 32-bit ids.
CREATE TABLE face_encodings (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id     integer NOT NULL REFERENCES persons (id),
  model_name    text NOT NULL,
  model_version text NOT NULL,
  dim           integer NOT NULL,
  encoding      bytea NOT NULL,
  created_at    double precision NOT NULL,
  CHECK (octet_length(encoding) = dim * 4)
);

CREATE INDEX face_encodings_person ON face_encodings (person_id, id);

-- Who changed what and when. Shared by every feature that records changes:
-- target_type says which store, target_id which row (as text).
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time        double precision NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_time ON audit_log (time);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);
