import { AppError } from '../../errors.js'
import type { EventSearch, SearchMatch } from '../event-search.js'
import type { Executor } from '../engine.js'
import { chunks, join, list, raw, sql, type Sql } from '../sql.js'

const MAX_IDS = 30_000

// An entry's rowid is its slot (start_time in hundredths of a second) times
// SLOT_SIZE plus its place in the slot (migration 0006). The largest rowid,
// 2^40 hundredths (year 2318) times 2^13, is exact in a JavaScript number.
const SLOTS_PER_SECOND = 100
const SLOT_SIZE = 8192

/**
 * A rowid bound for events_fts, bound as a BigInt so that SQLite sees an
 * INTEGER: a JS number arrives as a REAL, and FTS5 then ignores a rowid
 * constraint (it scans every match for `rowid = 1.0`, and walks far for a
 * range).
 */
function rowidValue(rowid: number): bigint {
  if (!Number.isSafeInteger(rowid))
    throw new AppError('SEARCH_ROWID', `rowid ${rowid} is not an exact integer`)
  return BigInt(rowid)
}

/** The slot of a start time; truncates as SQLite's CAST(... AS INTEGER). */
function slotOf(startTime: number): number {
  return Math.trunc(startTime * SLOTS_PER_SECOND)
}

/**
 * FTS5: a contentless events_fts whose rowids map to event ids through
 * events_fts_ids and follow start_time, so matches come out in time order.
 * EventDerivedState calls refresh in the write's transaction whenever a
 * searched column or the start time changes.
 */
export class SqliteEventSearch implements EventSearch {
  match(words: readonly string[]): SearchMatch {
    // Each word a quoted FTS5 string; juxtaposed strings must all match.
    const expression = words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ')
    const where = sql`events_fts MATCH ${expression}`

    return {
      from: sql`JOIN (SELECT s.event_id, bm25(events_fts) AS fts_rank
        FROM events_fts JOIN events_fts_ids s ON s.rowid = events_fts.rowid
        WHERE ${where}) fts ON fts.event_id = events.id`,
      where: raw('1 = 1'),
      relevance: raw('-fts.fts_rank'),
      byTime: {
        // CROSS JOIN keeps the index as the outer loop: the walk is the order.
        from: raw(`events_fts CROSS JOIN events_fts_ids s ON s.rowid = events_fts.rowid
          CROSS JOIN events ON events.id = s.event_id`),
        where,
        order: (descending) => raw(`events_fts.rowid ${descending ? 'DESC' : 'ASC'}`),
        within: (from, to) => {
          // A slot either side: the bounds only narrow the walk, the filter decides.
          const bounds: Sql[] = []
          if (from !== undefined) {
            bounds.push(
              sql`events_fts.rowid >= ${rowidValue((slotOf(from) - 1) * SLOT_SIZE)}`,
            )
          }
          if (to !== undefined) {
            bounds.push(
              sql`events_fts.rowid < ${rowidValue((slotOf(to) + 2) * SLOT_SIZE)}`,
            )
          }
          return bounds.length > 0 ? join(bounds, ' AND ') : undefined
        },
        slot: (startTime) => {
          const first = slotOf(startTime) * SLOT_SIZE
          return sql`events_fts.rowid >= ${rowidValue(first)}
            AND events_fts.rowid < ${rowidValue(first + SLOT_SIZE)}`
        },
      },
    }
  }

  async refresh(tx: Executor, eventIds: readonly string[]): Promise<void> {
    for (const ids of chunks(eventIds, MAX_IDS)) {
      const rows = await tx.query<{
        id: string
        start_time: number
        rowid: number | null
      }>(
        sql`SELECT e.id, e.start_time, s.rowid AS rowid
          FROM events e LEFT JOIN events_fts_ids s ON s.event_id = e.id
          WHERE e.id IN ${list(ids)}`,
      )
      // Contentless entries are replaced, never updated in place.
      await tx.run(sql`DELETE FROM events_fts WHERE rowid IN
        (SELECT rowid FROM events_fts_ids WHERE event_id IN ${list(ids)})`)

      const moved = rows.filter(
        (row) =>
          row.rowid === null ||
          Math.floor(row.rowid / SLOT_SIZE) !== slotOf(row.start_time),
      )
      if (moved.length > 0) await this.#place(tx, moved)

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

  /** Gives new events, and events whose start moved to another slot, a rowid. */
  async #place(
    tx: Executor,
    events: readonly { id: string; start_time: number }[],
  ): Promise<void> {
    await tx.run(sql`DELETE FROM events_fts_ids
      WHERE event_id IN ${list(events.map((event) => event.id))}`)

    // The next free place of each slot: one past the highest taken.
    const slots = [...new Set(events.map((event) => slotOf(event.start_time)))]
    const next = new Map<number, number>()
    for (const part of chunks(slots, MAX_IDS)) {
      const values = join(part.map((slot) => sql`(${slot})`))
      const rows = await tx.query<{ slot: number; top: number | null }>(
        sql`WITH slots (slot) AS (VALUES ${values})
          SELECT slot, (SELECT max(rowid) FROM events_fts_ids
            WHERE rowid >= slot * ${SLOT_SIZE} AND rowid < (slot + 1) * ${SLOT_SIZE}) AS top
          FROM slots`,
      )
      for (const row of rows)
        next.set(row.slot, (row.top ?? row.slot * SLOT_SIZE - 1) + 1)
    }

    const placed = events.map((event) => {
      const slot = slotOf(event.start_time)
      const rowid = next.get(slot) ?? slot * SLOT_SIZE
      if (rowid >= (slot + 1) * SLOT_SIZE) {
        throw new AppError(
          'SEARCH_SLOT_FULL',
          `more than ${SLOT_SIZE} events start within 10 ms of ${event.start_time}`,
        )
      }
      next.set(slot, rowid + 1)
      return [rowid, event.id]
    })
    for (const part of chunks(placed, MAX_IDS / 2)) {
      await tx.run(
        sql`INSERT INTO events_fts_ids (rowid, event_id) VALUES ${join(part.map(list))}`,
      )
    }
  }
}
