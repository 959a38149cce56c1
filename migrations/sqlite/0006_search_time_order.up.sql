-- events/query with words, sorted by time, had to collect every match of a
-- common word (a sixth of a million events) before sorting by start_time.
-- The rowids of events_fts_ids now follow start_time: each event's rowid is
-- its start time in hundredths of a second times 8192, plus its place among
-- the events of that hundredth. FTS5 walks its matches in rowid order, so a
-- page reads its own rows and stops (docs/indexing.md). 8192 * 2^40
-- hundredths stays within the integers JavaScript holds exactly.
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

INSERT INTO events_fts_ids (rowid, event_id)
SELECT CAST(start_time * 100 AS INTEGER) * 8192
  + row_number() OVER (PARTITION BY CAST(start_time * 100 AS INTEGER) ORDER BY id) - 1,
  id
FROM events ORDER BY 1;

INSERT INTO events_fts (rowid, body)
SELECT s.rowid, concat_ws(' ', e.description, e.person, e.sub_label, e.label, e.camera)
FROM events_fts_ids s JOIN events e ON e.id = s.event_id ORDER BY s.rowid;
