import { AppError } from '../../errors.js'
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

/** Events of one key over a whole range, from the rollups. */
export interface RollupKeyTotal {
  eventType: string
  camera: string | null
  label: string | null
  person: string | null
  count: number
  /** Sum of the events' top scores in millionths (an exact integer). */
  scoreMicros: number
}

/** What events/stats and events/summary read of a range. */
export interface RollupTotals {
  /** Events per bucket, by the bucket's start; empty buckets are absent. */
  series: Map<number, number>
  /** Events and score sums per key (type, camera, label, person). */
  keys: RollupKeyTotal[]
}

interface TotalsRow {
  bucket: number | string | null
  event_type: string | null
  camera: string | null
  label: string | null
  person: string | null
  event_count: number | string
  score_micros: number | string
}

const [HOURLY, DAILY] = ROLLUPS

/**
 * Reads the hourly and daily rollups (kept by EventDerivedState). Whole UTC
 * days inside a range come from the daily table, the hours at its edges from
 * the hourly one, and the database sums them into a series and per-key
 * totals, so a month costs about as much as a day and only a few hundred
 * rows leave it.
 */
export class EventStatsRepository {
  readonly #engine: Engine

  constructor(engine: Engine) {
    this.#engine = engine
  }

  /** Totals of the range, its series in buckets of `bucketSeconds` (HOUR or DAY). */
  async totals(
    range: HourRange,
    bucketSeconds: number,
    filter: RollupFilter,
  ): Promise<RollupTotals> {
    if (!Number.isInteger(bucketSeconds) || bucketSeconds <= 0) {
      throw new AppError('STATS_BUCKET', `bucket of ${bucketSeconds} seconds`)
    }
    const firstDay = Math.ceil(range.after / DAY) * DAY
    const lastDay = Math.floor(range.before / DAY) * DAY
    const useDays = bucketSeconds === DAY && firstDay < lastDay
    const parts = (
      useDays
        ? [
            [HOURLY.table, range.after, firstDay],
            [DAILY.table, firstDay, lastDay],
            [HOURLY.table, lastDay, range.before],
          ]
        : [[HOURLY.table, range.after, range.before]]
    ) as [string, number, number][]
    const reads = parts
      .filter(([, from, to]) => from < to)
      .map(([table, from, to]) => {
        const conditions = [
          sql`bucket >= ${from}`,
          sql`bucket < ${to}`,
          ...filterSql(filter),
        ]
        return sql`SELECT bucket, event_type, camera, label, person, event_count,
          score_micros FROM ${raw(table)} WHERE ${join(conditions, ' AND ')}`
      })
    if (reads.length === 0) return { series: new Map(), keys: [] }

    // A literal: a bound number may arrive as a float and divide exactly.
    const size = raw(String(bucketSeconds))
    const rows = await this.#engine
      .query<TotalsRow>(sql`WITH r AS (${join(reads, ' UNION ALL ')})
      SELECT bucket / ${size} * ${size} AS bucket, NULL AS event_type, NULL AS camera,
        NULL AS label, NULL AS person, sum(event_count) AS event_count, 0 AS score_micros
      FROM r GROUP BY 1
      UNION ALL
      SELECT NULL, event_type, camera, label, person, sum(event_count), sum(score_micros)
      FROM r GROUP BY event_type, camera, label, person`)

    const series = new Map<number, number>()
    const keys: RollupKeyTotal[] = []
    const name = (value: string | null) => (value === NO_NAME ? null : value)
    for (const row of rows) {
      if (row.event_type === null) {
        series.set(Number(row.bucket), Number(row.event_count))
        continue
      }
      keys.push({
        eventType: row.event_type,
        camera: name(row.camera),
        label: name(row.label),
        person: name(row.person),
        count: Number(row.event_count),
        scoreMicros: Number(row.score_micros),
      })
    }

    return { series, keys }
  }
}

function filterSql(filter: RollupFilter): Sql[] {
  const out: Sql[] = []

  if (filter.cameras) out.push(sql`camera IN ${list(filter.cameras)}`)
  if (filter.labels) out.push(sql`label IN ${list(filter.labels)}`)
  if (filter.eventTypes) out.push(sql`event_type IN ${list(filter.eventTypes)}`)

  return out
}
