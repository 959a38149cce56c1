import type { EventSearch, SearchMatch } from '../event-search.js'
import type { Executor } from '../engine.js'
import { chunks, list, raw, sql } from '../sql.js'

const MAX_IDS = 30_000

/**
 * FTS5 (migration 0004): a contentless events_fts whose rowids map to event
 * ids through events_fts_ids. The repository calls refresh in the write's
 * transaction whenever a searched column changes.
 */
export class SqliteEventSearch implements EventSearch {
  match(words: readonly string[]): SearchMatch {
    // Each word a quoted FTS5 string; juxtaposed strings must all match.
    const expression = words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ')

    return {
      from: sql`JOIN (SELECT s.event_id, bm25(events_fts) AS fts_rank
        FROM events_fts JOIN events_fts_ids s ON s.rowid = events_fts.rowid
        WHERE events_fts MATCH ${expression}) fts ON fts.event_id = events.id`,
      where: raw('1 = 1'),
      relevance: raw('-fts.fts_rank'),
    }
  }

  async refresh(tx: Executor, eventIds: readonly string[]): Promise<void> {
    for (const ids of chunks(eventIds, MAX_IDS)) {
      await tx.run(sql`INSERT INTO events_fts_ids (event_id)
        SELECT id FROM events WHERE id IN ${list(ids)}
        ON CONFLICT (event_id) DO NOTHING`)
      await tx.run(sql`DELETE FROM events_fts WHERE rowid IN
        (SELECT rowid FROM events_fts_ids WHERE event_id IN ${list(ids)})`)
      await tx.run(sql`INSERT INTO events_fts (rowid, body)
        SELECT s.rowid,
          concat_ws(' ', e.description, e.person, e.sub_label, e.label, e.camera)
        FROM events_fts_ids s JOIN events e ON e.id = s.event_id
        WHERE s.event_id IN ${list(ids)}`)
    }
  }

  async remove(tx: Executor, eventIds: readonly string[]): Promise<void> {
    for (const ids of chunks(eventIds, MAX_IDS)) {
      await tx.run(sql`DELETE FROM events_fts WHERE rowid IN
        (SELECT rowid FROM events_fts_ids WHERE event_id IN ${list(ids)})`)
      await tx.run(sql`DELETE FROM events_fts_ids WHERE event_id IN ${list(ids)}`)
    }
  }
}
