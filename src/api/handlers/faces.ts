import type { FaceDirectory } from '../../faces/face-directory.js'
import {
  FaceDirectoryError,
  type FaceDirectoryErrorCode,
} from '../../faces/face-directory-error.js'
import type { FaceList } from '../../faces/face-list.js'
import {
  DEFAULT_REQUEST_ACTOR,
  enrollFromWire,
  searchFromWire,
  toWireEncoding,
  toWirePerson,
  toWireSearch,
  type WireEnroll,
  type WireSearch,
} from '../../faces/face-wire.js'
import type {
  FacesRepository,
  PersonStatus,
} from '../../storage/repositories/faces-repository.js'
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js'
import type { Handler, HandlerMap } from '../handler.js'
import { RequestError, type RequestErrorCode } from '../request-error.js'

export interface FacesHandlerOptions {
  directory: FaceDirectory
  faces: FacesRepository
  defaultLimit: number
  maxLimit: number
}

/** Wire form of faces/update and faces/remove; the schema has checked it. */
interface WireChange {
  id: number
  name?: string
  list?: FaceList
  reason?: string | null
  metadata?: Record<string, unknown>
  active?: boolean
  actor?: string
}

interface WireListQuery {
  lists?: FaceList[]
  status?: PersonStatus
  name?: string
  limit?: number
  cursor?: string
}

const CURSOR_TAG = 'persons'

const REQUEST_CODES: Record<FaceDirectoryErrorCode, RequestErrorCode> = {
  FACE_INVALID_INPUT: 'INVALID_REQUEST',
  FACE_UNKNOWN_MODEL: 'INVALID_REQUEST',
  FACE_INVALID_ENCODING: 'INVALID_REQUEST',
  FACE_PERSON_NOT_FOUND: 'NOT_FOUND',
  FACE_NAME_TAKEN: 'CONFLICT',
  FACE_LIST_MISMATCH: 'CONFLICT',
}

export function facesHandlers(options: FacesHandlerOptions): HandlerMap {
  const { directory, faces } = options

  return refusing({
    'faces/enroll': async (request) => {
      const wire = request as unknown as WireEnroll
      const result = await directory.enroll(enrollFromWire(wire, DEFAULT_REQUEST_ACTOR))

      return {
        person: toWirePerson(result.person),
        created: result.created,
        encoding_ids: result.encodingIds,
      }
    },
    'faces/update': async (request) => {
      const { id, actor, name, list, reason, metadata, active } =
        request as unknown as WireChange
      const fields = { name, list, reason, metadata, active }
      const result = await directory.update(id, fields, actor ?? DEFAULT_REQUEST_ACTOR)

      return { person: toWirePerson(result.person), changes: result.actions }
    },
    'faces/remove': async (request) => {
      const { id, actor } = request as unknown as WireChange
      const result = await directory.remove(id, actor ?? DEFAULT_REQUEST_ACTOR)

      return { person: toWirePerson(result.person), changes: result.actions }
    },
    'faces/get': async (request) => {
      const id = request.id as number
      const person = await faces.getPerson(id)
      if (!person) throw new RequestError('NOT_FOUND', `no person with id ${id}`, 'id')

      const encodings = await faces.encodingSummaries(id)
      return { person: toWirePerson(person), encodings: encodings.map(toWireEncoding) }
    },
    'faces/list': (request) => listPersons(options, request),
    'faces/search': (request) =>
      Promise.resolve(
        toWireSearch(directory.search(searchFromWire(request as unknown as WireSearch))),
      ),
  })
}

async function listPersons(options: FacesHandlerOptions, query: WireListQuery) {
  const limit = pageLimit(query.limit, options.defaultLimit, options.maxLimit)
  const rows = await options.faces.pagePersons({
    lists: query.lists,
    status: query.status ?? 'active',
    name: query.name,
    limit: limit + 1,
    afterId: query.cursor === undefined ? undefined : readCursor(query.cursor),
  })
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]

  return {
    persons: page.map(toWirePerson),
    next_cursor: rows.length > limit && last ? encodeCursor(CURSOR_TAG, [last.id]) : null,
    limit,
  }
}

function readCursor(cursor: string): number {
  const [id] = decodeCursor(cursor, CURSOR_TAG, 1)
  if (typeof id !== 'number')
    throw new RequestError('INVALID_REQUEST', 'cursor is damaged', 'cursor')

  return id
}

/** Answers the directory's refusals as request errors naming the field. */
function refusing(handlers: HandlerMap): HandlerMap {
  const wrap =
    (handler: Handler): Handler =>
    async (request) => {
      try {
        return await handler(request)
      } catch (error) {
        if (!(error instanceof FaceDirectoryError)) throw error
        const code = REQUEST_CODES[error.code]
        throw new RequestError(code, error.message, error.field)
      }
    }

  return Object.fromEntries(
    Object.entries(handlers).map(([op, handler]) => [op, wrap(handler)]),
  )
}
