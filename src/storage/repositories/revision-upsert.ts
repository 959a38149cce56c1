import { join, list, raw, sql, type Sql } from '../sql.js'

/**
 * INSERT … ON CONFLICT (id) DO UPDATE for tables merged by revision: a row
 * replaces the stored one only when its (rev_closed, rev_time, rev_step) is
 * greater, so arrival order and repeats never change the outcome. Columns
 * left out of `updated` (such as created_at) keep their first value.
 */
export function revisionUpsert(
  table: string,
  columns: readonly string[],
  updated: readonly string[],
  rows: readonly (readonly unknown[])[],
): Sql {
  const values = join(rows.map((row) => list(row)))
  const updates = raw(updated.map((c) => `${c} = excluded.${c}`).join(', '))

  return sql`INSERT INTO ${raw(table)} (${raw(columns.join(', '))}) VALUES ${values}
    ON CONFLICT (id) DO UPDATE SET ${updates}
    WHERE (excluded.rev_closed, excluded.rev_time, excluded.rev_step)
        > (${raw(table)}.rev_closed, ${raw(table)}.rev_time, ${raw(table)}.rev_step)`
}
