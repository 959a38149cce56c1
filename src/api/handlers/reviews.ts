import type { ReviewRecord } from '../../storage/repositories/review-record.js'
import type {
  ReviewSort,
  ReviewsRepository,
} from '../../storage/repositories/reviews-repository.js'
import { decodeCursor, encodeCursor, pageLimit } from '../cursor.js'
import type { HandlerMap } from '../handler.js'
import { RequestError } from '../request-error.js'
import { checkTimeRange } from '../time-range.js'

export interface ReviewsHandlerOptions {
  reviews: ReviewsRepository
  defaultLimit: number
  maxLimit: number
}

/** Wire form of reviews/query; the schema has checked types and names. */
interface ReviewsQuery {
  cameras?: string[]
  severity?: string[]
  after?: number
  before?: number
  objects?: string[]
  sub_labels?: string[]
  zones?: string[]
  in_progress?: boolean
  sort?: ReviewSort
  limit?: number
  cursor?: string
}

// Keeps a cursor of events/query, or of the other sort, from being taken.
const CURSOR_TAG = 'reviews'

export function reviewsHandlers(options: ReviewsHandlerOptions): HandlerMap {
  return {
    'reviews/query': (request) => queryReviews(options, request),
  }
}

async function queryReviews(
  options: ReviewsHandlerOptions,
  request: Record<string, unknown>,
) {
  const query: ReviewsQuery = request
  const sort = query.sort ?? 'start_time_desc'
  const limit = pageLimit(query.limit, options.defaultLimit, options.maxLimit)
  const tag = `${CURSOR_TAG}:${sort}`

  checkTimeRange(query.after, query.before)
  const page = await options.reviews.page({
    filter: {
      cameras: query.cameras,
      severities: query.severity,
      after: query.after,
      before: query.before,
      objects: query.objects,
      subLabels: query.sub_labels,
      zones: query.zones,
      inProgress: query.in_progress,
    },
    sort,
    limit,
    after: query.cursor ? readCursor(query.cursor, tag) : undefined,
  })

  return {
    reviews: page.reviews.map(toWireReview),
    next_cursor: page.next ? encodeCursor(tag, [page.next.value, page.next.id]) : null,
    limit,
  }
}

function readCursor(cursor: string, tag: string) {
  const [value, id] = decodeCursor(cursor, tag, 2)

  if (typeof value !== 'number' || typeof id !== 'string') {
    throw new RequestError('INVALID_REQUEST', 'cursor is damaged', 'cursor')
  }

  return { value, id }
}

/** The data of a reviews/query answer. */
export type WireReviewPage = Awaited<ReturnType<typeof queryReviews>>

/** The stored review item in the wire's snake_case. */
export function toWireReview(record: ReviewRecord) {
  return {
    id: record.id,
    camera: record.camera,
    severity: record.severity,
    start_time: record.startTime,
    end_time: record.endTime,
    in_progress: record.endTime === null,
    thumb_path: record.thumbPath,
    objects: record.values.objects,
    sub_labels: record.values.sub_labels,
    zones: record.values.zones,
    detections: record.values.detections,
    audio: record.values.audio,
    data: record.data,
    updated_at: record.updatedAt,
  }
}
