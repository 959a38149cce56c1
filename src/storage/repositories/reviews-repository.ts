import { fromJson, type Engine, type Executor } from '../engine.js'
import { EMPTY, chunks, join, list, raw, sql, type Sql } from '../sql.js'
import { byCodePoint } from './code-point-order.js'
import { revisionUpsert } from './revision-upsert.js'
import { latestPerId } from './event-record.js'
import {
  REVIEW_VALUE_KINDS,
  emptyReviewValues,
  type ReviewRecord,
  type ReviewValueKind,
} from './review-record.js'

export const REVIEW_SORTS = ['start_time_desc', 'start_time_asc'] as const
export type ReviewSort = (typeof REVIEW_SORTS)[number]

export interface ReviewFilter {
  cameras?: string[]
  severities?: string[]
  /** Started at or after / before, unix seconds. */
  after?: number
  before?: number
  /** Any of these values in data's lists, at any time of the review. */
  objects?: string[]
  subLabels?: string[]
  zones?: string[]
  inProgress?: boolean
}

/** Where the previous page ended: start_time and id of its last row. */
export interface ReviewKey {
  value: number
  id: string
}

export interface ReviewPageRequest {
  filter: ReviewFilter
  sort: ReviewSort
  limit: number
  after?: ReviewKey
}

export interface ReviewPage {
  reviews: ReviewRecord[]
  next: ReviewKey | null
}

/** Review items retention takes: the oldest started before, at most limit. */
export interface ReviewDeletion {
  startedBefore: number
  limit: number
}

export interface SeverityCount {
  camera: string
  severity: string
  count: number
}

const COLUMNS = [
  'id',
  'camera',
  'severity',
  'start_time',
  'end_time',
  'thumb_path',
  'data',
  'rev_closed',
  'rev_time',
  'rev_step',
  'created_at',
  'updated_at',
] as const

const UPDATED_COLUMNS = COLUMNS.filter((c) => c !== 'id' && c !== 'created_at')

type ReviewRow = Record<(typeof COLUMNS)[number], unknown>

interface ValueRow {
  review_id: string
  kind: string
  value: string
}

/** Frigate review items and their list values, on any engine. */
export class ReviewsRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /**
   * Keeps per id the state with the greatest revision, within the batch and
   * against what is stored; list values only accumulate. Applying the same
   * states again changes nothing.
   */
  async upsert(tx: Executor, records: readonly ReviewRecord[]): Promise<void> {
    if (records.length === 0) return
    const { maxBindValues } = this.#engine.capabilities

    for (const chunk of chunks(latestPerId(records), maxBindValues / COLUMNS.length)) {
      await tx.run(upsertStatement(chunk))
    }

    for (const chunk of chunks(uniqueValues(records), maxBindValues / 3)) {
      await tx.run(sql`INSERT INTO review_values (review_id, kind, value)
        VALUES ${join(chunk.map(list))}
        ON CONFLICT (review_id, kind, value) DO NOTHING`)
    }
  }

  async get(id: string): Promise<ReviewRecord | undefined> {
    const rows = await this.#engine.query<ReviewRow>(
      sql`SELECT * FROM reviews WHERE id = ${id}`,
    )

    return (await this.#withValues(rows))[0]
  }

  /** Review items that list this tracked object among their detections. */
  async forEvent(eventId: string): Promise<ReviewRecord[]> {
    const rows = await this.#engine.query<ReviewRow>(sql`SELECT * FROM reviews
      WHERE id IN (SELECT review_id FROM review_values
        WHERE kind = 'detections' AND value = ${eventId})
      ORDER BY start_time, id`)

    return this.#withValues(rows)
  }

  /** Review items started in [after, before), counted per camera and severity. */
  async severityCounts(after: number, before: number): Promise<SeverityCount[]> {
    const rows = await this.#engine.query<{
      camera: string
      severity: string
      n: unknown
    }>(
      sql`SELECT camera, severity, count(*) AS n FROM reviews
        WHERE start_time >= ${after} AND start_time < ${before}
        GROUP BY camera, severity`,
    )

    return rows.map(({ camera, severity, n }) => ({ camera, severity, count: Number(n) }))
  }

  async page(request: ReviewPageRequest): Promise<ReviewPage> {
    const descending = request.sort === 'start_time_desc'
    const conditions = filterConditions(request.filter)

    if (request.after) {
      const op = raw(descending ? '<' : '>')
      conditions.push(
        sql`(start_time, id) ${op} (${request.after.value}, ${request.after.id})`,
      )
    }

    const where = conditions.length > 0 ? sql`WHERE ${join(conditions, ' AND ')}` : EMPTY
    const direction = raw(descending ? 'DESC' : 'ASC')
    const rows = await this.#engine.query<ReviewRow>(sql`SELECT * FROM reviews ${where}
      ORDER BY start_time ${direction}, id ${direction} LIMIT ${request.limit + 1}`)
    const reviews = await this.#withValues(rows.slice(0, request.limit))
    const last = reviews[reviews.length - 1]
    const next =
      rows.length > request.limit && last ? { value: last.startTime, id: last.id } : null

    return { reviews, next }
  }

  /**
   * Deletes the oldest review items started before a time with their list
   * values, in one transaction. Returns how many items went.
   */
  async delete(which: ReviewDeletion): Promise<number> {
    const { maxBindValues } = this.#engine.capabilities

    return this.#engine.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(sql`SELECT id FROM reviews
        WHERE start_time < ${which.startedBefore}
        ORDER BY start_time LIMIT ${which.limit}`)
      const ids = rows.map((row) => row.id)
      let deleted = 0

      for (const chunk of chunks(ids, maxBindValues)) {
        await tx.run(sql`DELETE FROM review_values WHERE review_id IN ${list(chunk)}`)
        const result = await tx.run(sql`DELETE FROM reviews WHERE id IN ${list(chunk)}`)
        deleted += result.changes
      }

      return deleted
    })
  }

  async #withValues(rows: readonly ReviewRow[]): Promise<ReviewRecord[]> {
    if (rows.length === 0) return []

    const ids = rows.map((row) => row.id as string)
    const valueRows = await this.#engine.query<ValueRow>(sql`SELECT review_id, kind, value
      FROM review_values WHERE review_id IN ${list(ids)}`)
    const records = new Map(rows.map((row) => [row.id as string, fromRow(row)]))

    for (const { review_id: id, kind, value } of valueRows) {
      if (!isValueKind(kind)) continue
      records.get(id)?.values[kind].push(value)
    }
    for (const record of records.values()) {
      for (const kind of REVIEW_VALUE_KINDS) record.values[kind].sort(byCodePoint)
    }

    return [...records.values()]
  }
}

/** The value kinds a filter of the request reads, by filter field. */
const VALUE_FILTERS: [keyof ReviewFilter, ReviewValueKind][] = [
  ['objects', 'objects'],
  ['subLabels', 'sub_labels'],
  ['zones', 'zones'],
]

function filterConditions(filter: ReviewFilter): Sql[] {
  const conditions: Sql[] = []

  if (filter.cameras) conditions.push(sql`camera IN ${list(filter.cameras)}`)
  if (filter.severities) conditions.push(sql`severity IN ${list(filter.severities)}`)
  if (filter.after !== undefined) conditions.push(sql`start_time >= ${filter.after}`)
  if (filter.before !== undefined) conditions.push(sql`start_time < ${filter.before}`)
  for (const [field, kind] of VALUE_FILTERS) {
    const values = filter[field] as string[] | undefined
    if (!values) continue
    conditions.push(sql`EXISTS (SELECT 1 FROM review_values v
      WHERE v.review_id = reviews.id AND v.kind = ${kind} AND v.value IN ${list(values)})`)
  }
  if (filter.inProgress !== undefined) {
    conditions.push(filter.inProgress ? sql`end_time IS NULL` : sql`end_time IS NOT NULL`)
  }

  return conditions
}

function upsertStatement(records: readonly ReviewRecord[]): Sql {
  const now = Date.now() / 1000

  return revisionUpsert(
    'reviews',
    COLUMNS,
    UPDATED_COLUMNS,
    records.map((record) => toRow(record, now)),
  )
}

function toRow(record: ReviewRecord, now: number): unknown[] {
  return [
    record.id,
    record.camera,
    record.severity,
    record.startTime,
    record.endTime,
    record.thumbPath,
    JSON.stringify(record.data),
    record.revision.closed,
    record.revision.time,
    record.revision.step,
    now,
    record.updatedAt,
  ]
}

function fromRow(row: ReviewRow): ReviewRecord {
  return {
    id: row.id as string,
    camera: row.camera as string,
    severity: row.severity as string,
    startTime: row.start_time as number,
    endTime: row.end_time as number | null,
    thumbPath: row.thumb_path as string | null,
    values: emptyReviewValues(),
    data: fromJson<Record<string, unknown>>(row.data),
    revision: {
      closed: row.rev_closed === 1 ? 1 : 0,
      time: row.rev_time as number,
      step: row.rev_step as number,
    },
    updatedAt: row.updated_at as number,
  }
}

function uniqueValues(records: readonly ReviewRecord[]): [string, string, string][] {
  const seen = new Set<string>()
  const triples: [string, string, string][] = []

  for (const record of records) {
    for (const kind of REVIEW_VALUE_KINDS) {
      for (const value of record.values[kind]) {
        const key = `${record.id}\u0000${kind}\u0000${value}`
        if (seen.has(key)) continue
        seen.add(key)
        triples.push([record.id, kind, value])
      }
    }
  }

  return triples
}

function isValueKind(kind: string): kind is ReviewValueKind {
  return (REVIEW_VALUE_KINDS as readonly string[]).includes(kind)
}
