/** SQLite's spelling of what the engine-neutral layer needs. */
export function placeholder(): string {
  return '?'
}

/** better-sqlite3 binds numbers, strings, bigints, Buffers and null only. */
export function bindValue(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0

  return value
}
