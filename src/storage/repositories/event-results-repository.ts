import { fromJson, type Engine, type Executor } from '../engine.js'
import { chunks, join, list, raw, sql } from '../sql.js'
import { byCodePoint } from './code-point-order.js'
import type { EventDerivedState } from './event-derived-state.js'

/** One recognition result for a tracked object (frigate/tracked_object_update). */
export interface EventResult {
  eventId: string
  /** face, lpr, description, classification, or a type Frigate adds later. */
  kind: string
  /** A hash of the message: the same message is stored once. */
  key: string
  /** The message's timestamp, or when it was received when it has none. */
  time: number
  /** The face's or known plate's name, or the classification model. */
  name: string | null
  /** The plate, the description text or the classification label. */
  value: string | null
  score: number | null
  camera: string | null
  /** The whole message, unknown fields included. */
  data: Record<string, unknown>
  receivedAt: number
}

export interface EventResultsOptions {
  /** Lowest face score that names an event's person (events.faceMinScore). */
  faceMinScore: number
}

/** Face names that say nobody was recognised. */
const NO_FACE = 'unknown'

const COLUMNS = [
  'event_id',
  'kind',
  'result_key',
  'time',
  'name',
  'value',
  'score',
  'camera',
  'data',
  'received_at',
] as const

type ResultRow = Record<(typeof COLUMNS)[number], unknown>

/**
 * Recognition results, kept per event whether or not the event has arrived,
 * and the event fields they decide (person, description).
 */
export class EventResultsRepository {
  readonly #engine: Engine
  readonly #options: EventResultsOptions
  readonly #derived: EventDerivedState

  constructor(engine: Engine, options: EventResultsOptions, derived: EventDerivedState) {
    this.#engine = engine
    this.#options = options
    this.#derived = derived
  }

  /**
   * Stores each result once. A message received twice keeps its earliest
   * time, which matters only for results without a timestamp of their own.
   */
  async insert(tx: Executor, results: readonly EventResult[]): Promise<void> {
    const limit = this.#engine.capabilities.maxBindValues / COLUMNS.length

    for (const chunk of chunks(earliestPerKey(results), limit)) {
      const rows = chunk.map((r) =>
        list([
          r.eventId,
          r.kind,
          r.key,
          r.time,
          r.name,
          r.value,
          r.score,
          r.camera,
          JSON.stringify(r.data),
          r.receivedAt,
        ]),
      )
      await tx.run(sql`INSERT INTO event_results (${raw(COLUMNS.join(', '))})
        VALUES ${join(rows)}
        ON CONFLICT (event_id, kind, result_key) DO UPDATE
          SET time = excluded.time, received_at = excluded.received_at
          WHERE excluded.time < event_results.time`)
    }
  }

  /**
   * Sets person and description of these events from their stored results:
   * the latest face result with a real name and a score of at least
   * faceMinScore, and the latest description. Events without results are
   * left alone, so a batch of plain events writes nothing more here.
   */
  async applyToEvents(tx: Executor, eventIds: readonly string[]): Promise<void> {
    const { maxBindValues } = this.#engine.capabilities
    const minScore = this.#options.faceMinScore

    for (const ids of chunks([...new Set(eventIds)], maxBindValues - 8)) {
      await this.#derived.around(tx, ids, () => this.#apply(tx, ids, minScore))
    }
  }

  async #apply(tx: Executor, ids: readonly string[], minScore: number): Promise<void> {
    await tx.run(sql`UPDATE events SET
        person = (SELECT r.name FROM event_results r
          WHERE r.event_id = events.id AND r.kind = 'face' AND r.name IS NOT NULL
            AND r.name <> ${NO_FACE} AND r.score >= ${minScore}
          ORDER BY r.time DESC, r.result_key DESC LIMIT 1),
        description = (SELECT r.value FROM event_results r
          WHERE r.event_id = events.id AND r.kind = 'description'
            AND r.value IS NOT NULL
          ORDER BY r.time DESC, r.result_key DESC LIMIT 1)
        WHERE id IN ${list(ids)}
          AND EXISTS (SELECT 1 FROM event_results r WHERE r.event_id = events.id)`)
  }

  /** An event's results, oldest first. */
  async forEvent(eventId: string): Promise<EventResult[]> {
    const rows = await this.#engine.query<ResultRow>(
      sql`SELECT * FROM event_results WHERE event_id = ${eventId}`,
    )

    return rows
      .map(fromRow)
      .sort(
        (a, b) =>
          a.time - b.time || byCodePoint(a.kind, b.kind) || byCodePoint(a.key, b.key),
      )
  }
}

function fromRow(row: ResultRow): EventResult {
  return {
    eventId: row.event_id as string,
    kind: row.kind as string,
    key: row.result_key as string,
    time: row.time as number,
    name: row.name as string | null,
    value: row.value as string | null,
    score: row.score as number | null,
    camera: row.camera as string | null,
    data: fromJson<Record<string, unknown>>(row.data),
    receivedAt: row.received_at as number,
  }
}

/** One result per key within a batch, the earliest, as the upsert keeps. */
function earliestPerKey(results: readonly EventResult[]): EventResult[] {
  const earliest = new Map<string, EventResult>()

  for (const result of results) {
    const key = `${result.eventId}\u0000${result.kind}\u0000${result.key}`
    const current = earliest.get(key)
    if (!current || result.time < current.time) earliest.set(key, result)
  }

  return [...earliest.values()]
}
