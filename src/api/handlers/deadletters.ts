import { isUtf8 } from 'node:buffer'
import type { DeadLettersRepository } from '../../storage/repositories/dead-letters-repository.js'
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js'
import type { HandlerMap } from '../handler.js'
import { RequestError } from '../request-error.js'

export interface DeadLettersHandlerOptions {
  deadLetters: DeadLettersRepository
  defaultLimit: number
  maxLimit: number
}

interface DeadLettersQuery {
  topic?: string
  after?: number
  before?: number
  limit?: number
  cursor?: string
}

const CURSOR_TAG = 'dead_letters'

export function deadLettersHandlers(options: DeadLettersHandlerOptions): HandlerMap {
  return {
    'deadletters/query': async (request) => {
      const query = request as DeadLettersQuery
      const limit = pageLimit(query.limit, options.defaultLimit, options.maxLimit)
      const beforeId = query.cursor ? readCursor(query.cursor) : undefined
      const rows = await options.deadLetters.query({
        ...query,
        limit: limit + 1,
        beforeId,
      })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]

      return {
        dead_letters: page.map((row) => {
          const text = isUtf8(row.payload)
          return {
            id: row.id,
            topic: row.topic,
            reason: row.reason,
            size: row.size,
            truncated: row.truncated,
            received_at: row.receivedAt,
            payload: row.payload.toString(text ? 'utf8' : 'base64'),
            payload_encoding: text ? 'utf8' : 'base64',
          }
        }),
        next_cursor:
          rows.length > limit && last ? encodeCursor(CURSOR_TAG, [last.id]) : null,
        limit,
      }
    },
  }
}

function readCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, CURSOR_TAG, 1)
  if (typeof id !== 'number')
    throw new RequestError('INVALID_REQUEST', 'cursor is damaged', 'cursor')

  return id
}
