-- events/query with in_progress true orders by (start_time, id). The partial
-- index held start_time alone, so SQLite preferred walking events_start over
-- every stored event, looking for the few that are still open: a full scan
-- whenever fewer than a page of events are open. With id in the key the
-- partial index gives the order itself. (docs/indexing.md)
DROP INDEX events_open;
CREATE INDEX events_open ON events (start_time, id) WHERE end_time IS NULL;
