import pg from 'pg'

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
export const TYPE_PARSERS = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (text: string) => Number(text)

    return pg.types.getTypeParser(oid, format as 'text')
  },
} as pg.CustomTypesConfig
