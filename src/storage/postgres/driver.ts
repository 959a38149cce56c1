import { createRequire } from 'node:module'
import type pg from 'pg'

export type Pg = typeof pg

let loaded: Pg | undefined

/**
 * node-postgres, loaded on first use: a SQLite install never pays for it
 * (about 13 MB of resident memory). pg is CommonJS, so this stays synchronous.
 */
export function loadPg(): Pg {
  loaded ??= createRequire(import.meta.url)('pg') as Pg

  return loaded
}
