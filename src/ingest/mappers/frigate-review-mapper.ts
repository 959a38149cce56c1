import {
  REVIEW_VALUE_KINDS,
  emptyReviewValues,
  type ReviewRecord,
  type ReviewValues,
} from '../../storage/repositories/review-record.js'
import { byCodePoint } from '../../storage/repositories/code-point-order.js'

/** The parts of a frigate/reviews message that storage reads; the rest is kept. */
export interface FrigateReviewMessage {
  type: string
  after: ReviewItem
}

interface ReviewItem extends Record<string, unknown> {
  id: string
  camera: string
  start_time: number
  end_time?: number | null
  severity: string
  thumb_path?: string | null
  data: Record<string, unknown>
}

// new < update < end < genai (a generated summary after the end); an unknown
// type ranks as update.
const TYPE_STEPS: Record<string, number> = { new: 0, update: 1, end: 2, genai: 3 }

/**
 * One Frigate review item state as a review record. A review item carries no
 * time of its own while it is open, but its lists only grow, so the number of
 * listed values orders its open states; an ended state outranks every open
 * one, so a late update cannot reopen it.
 */
export function mapFrigateReview(
  message: FrigateReviewMessage,
  receivedAt: number,
): ReviewRecord {
  const item = message.after
  const values = readValues(item.data)
  const ended = item.end_time != null

  return {
    id: item.id,
    camera: item.camera,
    severity: item.severity,
    startTime: item.start_time,
    endTime: item.end_time ?? null,
    thumbPath: item.thumb_path ?? null,
    values,
    data: item,
    revision: {
      closed: ended ? 1 : 0,
      time: REVIEW_VALUE_KINDS.reduce((sum, kind) => sum + values[kind].length, 0),
      step: TYPE_STEPS[message.type] ?? 1,
    },
    updatedAt: receivedAt,
  }
}

/** The names in each list of data, unique and sorted; other items stay in data only. */
function readValues(data: Record<string, unknown>): ReviewValues {
  const values = emptyReviewValues()

  for (const kind of REVIEW_VALUE_KINDS) {
    const items = data[kind]
    if (!Array.isArray(items)) continue
    const names = items.filter((item): item is string => typeof item === 'string')
    values[kind] = [...new Set(names)].sort(byCodePoint)
  }

  return values
}
