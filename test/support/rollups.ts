import type { Engine } from '../../src/storage/engine.js'
import { scoreMicros } from '../../src/storage/repositories/event-derived-state.js'
import { raw, sql } from '../../src/storage/sql.js'

/** Rollup rows as `bucket type camera label person` → "count micros". */
export type RollupState = Record<string, string>

export async function readRollups(engine: Engine, table: string): Promise<RollupState> {
  const rows = await engine.query<Record<string, string | number>>(
    sql`SELECT * FROM ${raw(table)}`,
  )
  const state: RollupState = {}

  for (const row of rows) {
    const key = [row.bucket, row.event_type, row.camera, row.label, row.person]
    state[key.map(String).join(' ')] =
      `${Number(row.event_count)} ${Number(row.score_micros)}`
  }

  return state
}

/** The rollups recomputed from the events table, as GROUP BY would. */
export async function recompute(engine: Engine, seconds: number): Promise<RollupState> {
  const rows = await engine.query<{
    event_type: string
    camera: string | null
    label: string | null
    person: string | null
    start_time: number
    top_score: number
  }>(sql`SELECT event_type, camera, label, person, start_time, top_score FROM events`)
  const totals = new Map<string, [number, number]>()

  for (const row of rows) {
    const bucket = Math.floor(row.start_time / seconds) * seconds
    const names = [row.camera, row.label, row.person].map((n) => n ?? '')
    const key = [bucket, row.event_type, ...names].join(' ')
    const [count, micros] = totals.get(key) ?? [0, 0]
    totals.set(key, [count + 1, micros + scoreMicros(row.top_score)])
  }

  return Object.fromEntries([...totals].map(([key, [n, m]]) => [key, `${n} ${m}`]))
}
