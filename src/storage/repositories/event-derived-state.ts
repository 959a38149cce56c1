import type { Engine, Executor } from '../engine.js'
import { chunks, join, list, raw, sql } from '../sql.js'

/** Rollup granularities: bucket length in seconds and table (migration 0004). */
export const ROLLUPS = [
  { seconds: 3_600, table: 'event_rollup_hourly' },
  { seconds: 86_400, table: 'event_rollup_daily' },
] as const

/** Rollups keep names not null: '' stands for none. */
export const NO_NAME = ''

/** What of a stored event its rollups and its search index depend on. */
interface EventFacts {
  /** The rollup key without its bucket. */
  key: string[]
  startTime: number
  scoreMicros: number
  /** The searched columns and the start time (an index may keep its entries
   * in time order), to tell when the index must change. */
  searchKey: string
}

interface FactsRow {
  id: string
  event_type: string
  camera: string | null
  label: string | null
  person: string | null
  sub_label: string | null
  description: string | null
  start_time: number
  top_score: number
}

interface Delta {
  row: (string | number)[]
  count: number
  micros: number
}

/**
 * Keeps what is derived from the events table in step with it, in the
 * transaction that writes it: the hourly and daily rollups and the search
 * index. Each write reads the rows it touches before and after, removes the
 * old contributions and adds the new ones, so rollups stay exact whatever
 * the order, repetition or deletion of states.
 */
export class EventDerivedState {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /** Runs `work`, which writes these events, and carries its changes over. */
  async around<T>(
    tx: Executor,
    eventIds: readonly string[],
    work: () => Promise<T>,
  ): Promise<T> {
    const ids = [...new Set(eventIds)]
    if (ids.length === 0) return work()

    const before = await this.#facts(tx, ids)
    const result = await work()
    const after = await this.#facts(tx, ids)

    for (const rollup of ROLLUPS) {
      const deltas = rollupDeltas(rollup.seconds, before, after)
      await applyDeltas(tx, rollup.table, deltas, this.#engine.capabilities.maxBindValues)
    }
    await this.#updateSearch(tx, ids, before, after)

    return result
  }

  async #facts(tx: Executor, ids: readonly string[]): Promise<Map<string, EventFacts>> {
    const facts = new Map<string, EventFacts>()

    for (const chunk of chunks(ids, this.#engine.capabilities.maxBindValues)) {
      const rows = await tx.query<FactsRow>(sql`SELECT id, event_type, camera, label,
        person, sub_label, description, start_time, top_score
        FROM events WHERE id IN ${list(chunk)}`)
      for (const row of rows) facts.set(row.id, toFacts(row))
    }

    return facts
  }

  async #updateSearch(
    tx: Executor,
    ids: readonly string[],
    before: Map<string, EventFacts>,
    after: Map<string, EventFacts>,
  ): Promise<void> {
    const changed = ids.filter((id) => {
      const next = after.get(id)
      return next !== undefined && next.searchKey !== before.get(id)?.searchKey
    })
    const gone = ids.filter((id) => before.has(id) && !after.has(id))

    if (changed.length > 0) await this.#engine.search.refresh(tx, changed)
    if (gone.length > 0) await this.#engine.search.remove(tx, gone)
  }
}

/** The score as whole millionths, so sums and differences stay exact. */
export function scoreMicros(score: number): number {
  return Math.round(score * 1_000_000)
}

function toFacts(row: FactsRow): EventFacts {
  const names = [row.camera, row.label, row.person].map((n) => n ?? NO_NAME)
  const searched = [row.description, row.person, row.sub_label, row.label, row.camera]

  return {
    key: [row.event_type, ...names],
    startTime: row.start_time,
    scoreMicros: scoreMicros(row.top_score),
    searchKey: [...searched, row.start_time].map((t) => t ?? '').join('\u0000'),
  }
}

function rollupDeltas(
  seconds: number,
  before: Map<string, EventFacts>,
  after: Map<string, EventFacts>,
): Delta[] {
  const deltas = new Map<string, Delta>()
  const add = (facts: EventFacts | undefined, sign: 1 | -1) => {
    if (!facts) return
    const row = [Math.floor(facts.startTime / seconds) * seconds, ...facts.key]
    const id = row.join('\u0000')
    const delta = deltas.get(id) ?? { row, count: 0, micros: 0 }
    delta.count += sign
    delta.micros += sign * facts.scoreMicros
    deltas.set(id, delta)
  }

  for (const facts of before.values()) add(facts, -1)
  for (const facts of after.values()) add(facts, 1)

  return [...deltas.values()].filter((d) => d.count !== 0 || d.micros !== 0)
}

async function applyDeltas(
  tx: Executor,
  table: string,
  deltas: readonly Delta[],
  maxBindValues: number,
): Promise<void> {
  if (deltas.length === 0) return
  const name = raw(table)

  for (const chunk of chunks(deltas, maxBindValues / 7)) {
    const rows = chunk.map((d) => list([...d.row, d.count, d.micros]))
    await tx.run(sql`INSERT INTO ${name} (bucket, event_type, camera, label, person,
        event_count, score_micros) VALUES ${join(rows)}
      ON CONFLICT (bucket, event_type, camera, label, person) DO UPDATE SET
        event_count = ${name}.event_count + excluded.event_count,
        score_micros = ${name}.score_micros + excluded.score_micros`)
  }

  const buckets = [...new Set(deltas.map((d) => d.row[0]))]
  for (const chunk of chunks(buckets, maxBindValues)) {
    await tx.run(sql`DELETE FROM ${name}
      WHERE bucket IN ${list(chunk)} AND event_count = 0`)
  }
}
