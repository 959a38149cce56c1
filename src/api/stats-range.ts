import {
  DAY,
  HOUR,
  type HourRange,
} from '../storage/repositories/event-stats-repository.js'
import { RequestError } from './request-error.js'

/** Longest range events/stats and events/summary answer. */
export const MAX_STATS_RANGE = 366 * DAY

/**
 * The range widened to whole UTC hours, the rollups' smallest bucket:
 * `after` down, `before` up. Without `before` it ends now; without `after`
 * it starts a day before its end.
 */
export function alignedRange(
  after: number | undefined,
  before: number | undefined,
  now: number,
  field = 'after',
): HourRange {
  const end = before ?? now
  const start = after ?? end - DAY
  if (start >= end) {
    throw new RequestError('INVALID_REQUEST', 'after must be earlier than before', field)
  }

  const range = {
    after: Math.floor(start / HOUR) * HOUR,
    before: Math.ceil(end / HOUR) * HOUR,
  }
  if (range.before - range.after > MAX_STATS_RANGE) {
    const message = 'the range must not exceed 366 days'
    throw new RequestError('INVALID_REQUEST', message, field)
  }

  return range
}

/** Today in UTC: from midnight to the end of the current hour. */
export function todayRange(now: number): HourRange {
  const after = Math.floor(now / DAY) * DAY

  return { after, before: Math.max(after + HOUR, Math.ceil(now / HOUR) * HOUR) }
}
