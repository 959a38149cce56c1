import { fromJson, type Engine, type Executor } from '../engine.js'
import { chunks, join, list, sql } from '../sql.js'
import { byCodePoint } from './code-point-order.js'

/** One step in the life of an event. */
export interface TimelineEntry {
  eventId: string
  /** started, zone_entered, ended, or a recognition result's kind. */
  kind: string
  /** Tells entries of one kind apart: the zone, the result's key; '' if one. */
  key: string
  time: number
  detail: Record<string, unknown> | null
}

// At equal times an event starts before anything else and ends after it.
const KIND_RANKS: Record<string, number> = { started: 0, ended: 2 }

type TimelineRow = {
  event_id: string
  kind: string
  entry_key: string
  time: number
  detail: unknown
}

/** The compact per-event timeline; each entry keeps the earliest time seen. */
export class EventTimelineRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /**
   * Adds entries; one already stored moves only to an earlier time, because
   * Frigate's states arrive in any order and the first sighting counts.
   */
  async upsert(tx: Executor, entries: readonly TimelineEntry[]): Promise<void> {
    const limit = this.#engine.capabilities.maxBindValues / 5

    for (const chunk of chunks(earliestPerKey(entries), limit)) {
      const rows = chunk.map((e) =>
        list([e.eventId, e.kind, e.key, e.time, e.detail && JSON.stringify(e.detail)]),
      )
      await tx.run(sql`INSERT INTO event_timeline (event_id, kind, entry_key, time, detail)
        VALUES ${join(rows)}
        ON CONFLICT (event_id, kind, entry_key) DO UPDATE
          SET time = excluded.time, detail = excluded.detail
          WHERE excluded.time < event_timeline.time`)
    }
  }

  /** An event's timeline in order of time. */
  async forEvent(eventId: string): Promise<TimelineEntry[]> {
    const rows = await this.#engine.query<TimelineRow>(
      sql`SELECT * FROM event_timeline WHERE event_id = ${eventId}`,
    )

    return rows.map(fromRow).sort(timelineOrder)
  }
}

function timelineOrder(a: TimelineEntry, b: TimelineEntry): number {
  return (
    a.time - b.time ||
    (KIND_RANKS[a.kind] ?? 1) - (KIND_RANKS[b.kind] ?? 1) ||
    byCodePoint(a.kind, b.kind) ||
    byCodePoint(a.key, b.key)
  )
}

function fromRow(row: TimelineRow): TimelineEntry {
  return {
    eventId: row.event_id,
    kind: row.kind,
    key: row.entry_key,
    time: row.time,
    detail: row.detail === null ? null : fromJson<Record<string, unknown>>(row.detail),
  }
}

function earliestPerKey(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const earliest = new Map<string, TimelineEntry>()

  for (const entry of entries) {
    const key = `${entry.eventId}\u0000${entry.kind}\u0000${entry.key}`
    const current = earliest.get(key)
    if (!current || entry.time < current.time) earliest.set(key, entry)
  }

  return [...earliest.values()]
}
