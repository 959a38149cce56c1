import type pg from 'pg'
import { loadPg } from './driver.js'

/** PostgreSQL's spelling of what the engine-neutral layer needs. */
export function placeholder(n: number): string {
  return `$${n}`
}

/** node-postgres binds booleans and Buffers itself; undefined means NULL. */
export function bindValue(value: unknown): unknown {
  return value === undefined ? null : value
}

/**
 * Per-pool type parsers: int8 (counts, identity ids) as numbers, which is
 * safe below 2^53, instead of strings. Kept off the global pg.types.
 */
const INT8_OID = 20

type TextParser = (value: string) => unknown

function getTypeParser(oid: number): TextParser {
  if (oid === INT8_OID) return Number

  return loadPg().types.getTypeParser(oid) as TextParser
}

export const TYPE_PARSERS: pg.CustomTypesConfig = { getTypeParser }
