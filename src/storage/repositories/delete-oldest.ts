import type { Executor } from '../engine.js'
import { raw, sql } from '../sql.js'

/**
 * Deletes at most `limit` rows of a table with an integer `id`, oldest first
 * by `timeColumn`, from before `before`: one retention chunk of a store
 * whose rows depend on nothing else. Returns how many went.
 */
export async function deleteOldest(
  db: Executor,
  table: string,
  timeColumn: string,
  before: number,
  limit: number,
): Promise<number> {
  const [from, column] = [raw(table), raw(timeColumn)]
  const result = await db.run(sql`DELETE FROM ${from} WHERE id IN
    (SELECT id FROM ${from} WHERE ${column} < ${before} ORDER BY ${column} LIMIT ${limit})`)

  return result.changes
}
