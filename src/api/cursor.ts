import { RequestError } from './request-error.js'

/**
 * Keyset cursors are opaque to callers: base64url of [tag, ...key]. The tag
 * ties a cursor to the sort it came from.
 */
export function encodeCursor(tag: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url')
}

export function decodeCursor(cursor: string, tag: string, arity: number): unknown[] {
  let parsed: unknown

  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== tag) {
    throw new RequestError(
      'INVALID_REQUEST',
      'cursor is not a next_cursor of this query and sort',
      'cursor',
    )
  }

  return parsed.slice(1) as unknown[]
}

export function pageLimit(
  requested: unknown,
  defaultLimit: number,
  maxLimit: number,
): number {
  return Math.min(typeof requested === 'number' ? requested : defaultLimit, maxLimit)
}
