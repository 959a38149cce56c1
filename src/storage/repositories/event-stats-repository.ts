import type { Engine } from '../engine.js'
import { join, list, raw, sql, type Sql } from '../sql.js'
import { NO_NAME, ROLLUPS } from './event-derived-state.js'

export const HOUR = 3_600
export const DAY = 86_400

export interface RollupFilter {
  cameras?: string[]
  labels?: string[]
  eventTypes?: string[]
}

/** A range of whole hours: after and before are multiples of HOUR. */
export interface HourRange {
  after: number
  before: number
}

/** Events of one bucket and one key, from the rollups. */
export interface RollupCount {
  /** Start of the bucket (hour or UTC day), unix seconds. */
  bucket: number
  eventType: string
  camera: string | null
  label: string | null
  person: string | null
  count: number
  /** Sum of the events' top scores in millionths (an exact integer). */
  scoreMicros: number
}

interface RollupRow {
  bucket: number | string
  event_type: string
  camera: string
  label: string
  person: string
  event_count: number | string
  score_micros: number | string
}

const [HOURLY, DAILY] = ROLLUPS

/**
 * Reads the hourly and daily rollups (kept by EventDerivedState). Whole UTC
 * days inside a range come from the daily table, the hours at its edges from
 * the hourly one, so a month costs about as much as a day.
 */
export class EventStatsRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /** Counts per bucket of `bucketSeconds` (HOUR or DAY) within the range. */
  async counts(
    range: HourRange,
    bucketSeconds: number,
    filter: RollupFilter,
  ): Promise<RollupCount[]> {
    const firstDay = Math.ceil(range.after / DAY) * DAY
    const lastDay = Math.floor(range.before / DAY) * DAY
    const useDays = bucketSeconds === DAY && firstDay < lastDay
    const rows = useDays
      ? [
          ...(await this.#read(HOURLY.table, range.after, firstDay, filter)),
          ...(await this.#read(DAILY.table, firstDay, lastDay, filter)),
          ...(await this.#read(HOURLY.table, lastDay, range.before, filter)),
        ]
      : await this.#read(HOURLY.table, range.after, range.before, filter)

    return rows.map((row) => toCount(row, bucketSeconds))
  }

  async #read(
    table: string,
    from: number,
    to: number,
    filter: RollupFilter,
  ): Promise<RollupRow[]> {
    if (from >= to) return []
    const conditions = [sql`bucket >= ${from}`, sql`bucket < ${to}`, ...filterSql(filter)]

    return this.#engine.query<RollupRow>(sql`SELECT bucket, event_type, camera, label,
      person, event_count, score_micros FROM ${raw(table)}
      WHERE ${join(conditions, ' AND ')}`)
  }
}

function filterSql(filter: RollupFilter): Sql[] {
  const out: Sql[] = []

  if (filter.cameras) out.push(sql`camera IN ${list(filter.cameras)}`)
  if (filter.labels) out.push(sql`label IN ${list(filter.labels)}`)
  if (filter.eventTypes) out.push(sql`event_type IN ${list(filter.eventTypes)}`)

  return out
}

function toCount(row: RollupRow, bucketSeconds: number): RollupCount {
  const bucket = Number(row.bucket)
  const name = (value: string) => (value === NO_NAME ? null : value)

  return {
    bucket: Math.floor(bucket / bucketSeconds) * bucketSeconds,
    eventType: row.event_type,
    camera: name(row.camera),
    label: name(row.label),
    person: name(row.person),
    count: Number(row.event_count),
    scoreMicros: Number(row.score_micros),
  }
}
