/**
 * Compares strings by code point: the same order on every engine, whatever
 * the database's collation, for lists sorted after they are read.
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
