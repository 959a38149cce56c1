import type {
  EventsRepository,
  EventSort,
} from '../../storage/repositories/events-repository.js'
import type { EventRecord } from '../../storage/repositories/event-record.js'
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js'
import type { HandlerMap } from '../handler.js'
import { RequestError } from '../request-error.js'

export interface EventsHandlerOptions {
  events: EventsRepository
  defaultLimit: number
  maxLimit: number
}

/** Wire form of events/query; the schema has checked types and names. */
interface EventsQuery {
  cameras?: string[]
  labels?: string[]
  sub_labels?: string[]
  zones?: string[]
  event_types?: string[]
  after?: number
  before?: number
  min_score?: number
  has_clip?: boolean
  has_snapshot?: boolean
  in_progress?: boolean
  sort?: EventSort
  limit?: number
  cursor?: string
}

export function eventsHandlers(options: EventsHandlerOptions): HandlerMap {
  return {
    'events/query': (request) => queryEvents(options, request),
    'events/get': async (request) => {
      const id = String(request.id)
      const record = await options.events.get(id)
      if (!record) throw new RequestError('NOT_FOUND', `no event with id ${id}`, 'id')

      return toWireEvent(record)
    },
  }
}

async function queryEvents(
  options: EventsHandlerOptions,
  request: Record<string, unknown>,
) {
  const query: EventsQuery = request
  const sort = query.sort ?? 'start_time_desc'
  const limit = pageLimit(query.limit, options.defaultLimit, options.maxLimit)

  if (
    query.after !== undefined &&
    query.before !== undefined &&
    query.after >= query.before
  ) {
    throw new RequestError(
      'INVALID_REQUEST',
      'after must be earlier than before',
      'after',
    )
  }

  const page = await options.events.page({
    filter: {
      cameras: query.cameras,
      labels: query.labels,
      subLabels: query.sub_labels,
      zones: query.zones,
      eventTypes: query.event_types,
      after: query.after,
      before: query.before,
      minScore: query.min_score,
      hasClip: query.has_clip,
      hasSnapshot: query.has_snapshot,
      inProgress: query.in_progress,
    },
    sort,
    limit,
    after: query.cursor ? readCursor(query.cursor, sort) : undefined,
  })

  return {
    events: page.events.map(toWireEvent),
    next_cursor: page.next ? encodeCursor(sort, [page.next.value, page.next.id]) : null,
    limit,
  }
}

function readCursor(cursor: string, sort: EventSort) {
  const [value, id] = decodeCursor(cursor, sort, 2)

  if (typeof value !== 'number' || typeof id !== 'string') {
    throw new RequestError('INVALID_REQUEST', 'cursor is damaged', 'cursor')
  }

  return { value, id }
}

/** The stored event in the wire's snake_case. */
export function toWireEvent(record: EventRecord) {
  return {
    id: record.id,
    origin: record.origin,
    event_type: record.eventType,
    camera: record.camera,
    label: record.label,
    source: record.source,
    sub_label: record.subLabel,
    sub_label_score: record.subLabelScore,
    score: record.score,
    top_score: record.topScore,
    start_time: record.startTime,
    end_time: record.endTime,
    in_progress: record.endTime === null,
    zones: record.zones,
    has_clip: record.hasClip,
    has_snapshot: record.hasSnapshot,
    processing_stage: record.processingStage,
    parent_event_id: record.parentEventId,
    data: record.data,
    updated_at: record.updatedAt,
  }
}
