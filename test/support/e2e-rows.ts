import type { Engine } from '../../src/storage/engine.js'
import { sql } from '../../src/storage/sql.js'

/** Read straight from the database, past the service. */
export async function countRows(
  engine: Engine,
  table: 'events' | 'dead_letters',
): Promise<number> {
  const from = table === 'events' ? sql`events` : sql`dead_letters`
  const rows = await engine.query<{ n: number | string }>(
    sql`SELECT count(*) AS n FROM ${from}`,
  )

  return Number(rows[0]?.n)
}

/** Every stored event id, sorted. */
export async function storedEventIds(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ id: string }>(sql`SELECT id FROM events`)

  return rows.map((r) => r.id).sort()
}
