import { createHash } from 'node:crypto'

/**
 * A short hash of a JSON value with its object keys sorted, so the same
 * message gives the same key whatever order its fields were written in.
 */
export function contentKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32)
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'

  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

  const members = entries.map(
    ([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`,
  )

  return `{${members.join(',')}}`
}
