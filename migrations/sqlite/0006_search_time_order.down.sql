-- Back to rowids in the order events were indexed (migration 0004).
DROP TABLE events_fts;
DROP TABLE events_fts_ids;

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

INSERT INTO events_fts_ids (event_id) SELECT id FROM events;

INSERT INTO events_fts (rowid, body)
SELECT s.rowid, concat_ws(' ', e.description, e.person, e.sub_label, e.label, e.camera)
FROM events_fts_ids s JOIN events e ON e.id = s.event_id;
