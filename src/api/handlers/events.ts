import type {
  EventsRepository,
  EventSort,
} from '../../storage/repositories/events-repository.js'
import type { EventRecord } from '../../storage/repositories/event-record.js'
import type {
  EventResult,
  EventResultsRepository,
} from '../../storage/repositories/event-results-repository.js'
import type {
  EventStage,
  EventStagesRepository,
} from '../../storage/repositories/event-stages-repository.js'
import type {
  EventTimelineRepository,
  TimelineEntry,
} from '../../storage/repositories/event-timeline-repository.js'
import type { ReviewsRepository } from '../../storage/repositories/reviews-repository.js'
import type { FacesRepository } from '../../storage/repositories/faces-repository.js'
import { searchWords } from '../../storage/event-search.js'
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js'
import type { HandlerMap } from '../handler.js'
import { RequestError } from '../request-error.js'
import { checkTimeRange } from '../time-range.js'
import { toWireReview } from './reviews.js'

export interface EventsHandlerOptions {
  events: EventsRepository
  eventTimeline: EventTimelineRepository
  eventResults: EventResultsRepository
  eventStages: EventStagesRepository
  reviews: ReviewsRepository
  /** When given, events/get links the person a face result names to the face database. */
  faces?: FacesRepository
  defaultLimit: number
  maxLimit: number
}

/** Wire form of events/query; the schema has checked types and names. */
interface EventsQuery {
  cameras?: string[]
  labels?: string[]
  sub_labels?: string[]
  persons?: string[]
  zones?: string[]
  event_types?: string[]
  after?: number
  before?: number
  min_score?: number
  max_score?: number
  has_clip?: boolean
  has_snapshot?: boolean
  in_progress?: boolean
  q?: string
  sort?: EventSort
  limit?: number
  cursor?: string
  offset?: number
}

/** Deepest offset, and deepest a relevance-ordered listing goes (schema maximum). */
export const MAX_OFFSET = 1000

export function eventsHandlers(options: EventsHandlerOptions): HandlerMap {
  return {
    'events/query': (request) => queryEvents(options, request),
    'events/get': (request) => getEvent(options, String(request.id)),
  }
}

/** The data of an events/get answer. */
export type WireEventDetails = Awaited<ReturnType<typeof getEvent>>

/** The event with everything stored about it. */
async function getEvent(options: EventsHandlerOptions, id: string) {
  const record = await options.events.get(id)
  if (!record) throw new RequestError('NOT_FOUND', `no event with id ${id}`, 'id')

  const name = record.person ?? record.subLabel
  const [timeline, results, stages, reviews, children, person] = await Promise.all([
    options.eventTimeline.forEvent(id),
    options.eventResults.forEvent(id),
    options.eventStages.forEvent(id),
    options.reviews.forEvent(id),
    options.events.children(id),
    name === null ? undefined : options.faces?.findActiveByName(name),
  ])

  return {
    ...toWireEvent(record),
    known_person: person ? { id: person.id, name: person.name, list: person.list } : null,
    timeline: timeline.map(toWireTimelineEntry),
    results: results.map(toWireResult),
    stages: stages.map(toWireStage),
    reviews: reviews.map(toWireReview),
    children: children.map(toWireEvent),
  }
}

async function queryEvents(
  options: EventsHandlerOptions,
  request: Record<string, unknown>,
) {
  const query: EventsQuery = request
  const sort = query.sort ?? 'start_time_desc'
  const limit = pageLimit(query.limit, options.defaultLimit, options.maxLimit)

  checkTimeRange(query.after, query.before)
  checkPaging(query, sort)
  if (
    query.min_score !== undefined &&
    query.max_score !== undefined &&
    query.min_score > query.max_score
  ) {
    const message = 'min_score must not be above max_score'
    throw new RequestError('INVALID_REQUEST', message, 'min_score')
  }

  const page = await options.events.page({
    filter: {
      cameras: query.cameras,
      labels: query.labels,
      subLabels: query.sub_labels,
      persons: query.persons,
      zones: query.zones,
      eventTypes: query.event_types,
      after: query.after,
      before: query.before,
      minScore: query.min_score,
      maxScore: query.max_score,
      hasClip: query.has_clip,
      hasSnapshot: query.has_snapshot,
      inProgress: query.in_progress,
      words: query.q === undefined ? undefined : searchWords(query.q),
    },
    sort,
    limit,
    ...position(query, sort),
  })

  return {
    events: page.events.map(toWireEvent),
    next_cursor: page.next ? nextCursor(query, sort, page.next, limit) : null,
    limit,
  }
}

function checkPaging(query: EventsQuery, sort: EventSort): void {
  if (query.cursor !== undefined && query.offset !== undefined) {
    const message = 'give cursor or offset, not both'
    throw new RequestError('INVALID_REQUEST', message, 'offset')
  }
  if (sort === 'relevance' && query.q === undefined) {
    const message = 'sort relevance needs q'
    throw new RequestError('INVALID_REQUEST', message, 'sort')
  }
}

/**
 * Where the page starts. Relevance ranks change as events arrive, so its
 * cursor holds an offset; the other sorts page by keyset.
 */
function position(query: EventsQuery, sort: EventSort) {
  if (query.cursor === undefined) return { offset: query.offset }
  if (sort !== 'relevance') return { after: readCursor(query.cursor, sort) }

  const [offset] = decodeCursor(query.cursor, sort, 1)
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw new RequestError('INVALID_REQUEST', 'cursor is damaged', 'cursor')
  }

  return { offset }
}

function nextCursor(
  query: EventsQuery,
  sort: EventSort,
  next: { value: number; id: string },
  limit: number,
): string | null {
  if (sort !== 'relevance') return encodeCursor(sort, [next.value, next.id])

  const offset = (position(query, sort).offset ?? 0) + limit

  return offset <= MAX_OFFSET ? encodeCursor(sort, [offset]) : null
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
    person: record.person,
    description: record.description,
    data: record.data,
    updated_at: record.updatedAt,
  }
}

function toWireTimelineEntry(entry: TimelineEntry) {
  return { time: entry.time, kind: entry.kind, detail: entry.detail }
}

function toWireResult(result: EventResult) {
  return {
    kind: result.kind,
    time: result.time,
    name: result.name,
    value: result.value,
    score: result.score,
    camera: result.camera,
    data: result.data,
    received_at: result.receivedAt,
  }
}

function toWireStage(stage: EventStage) {
  return {
    stage: stage.stage,
    enrichments: stage.enrichments,
    errors: stage.errors,
    received_at: stage.receivedAt,
  }
}
