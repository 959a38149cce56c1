import { RequestError } from './request-error.js'

/** Refuses an `after` that is not earlier than `before`. */
export function checkTimeRange(
  after: number | undefined,
  before: number | undefined,
): void {
  if (after !== undefined && before !== undefined && after >= before) {
    throw new RequestError(
      'INVALID_REQUEST',
      'after must be earlier than before',
      'after',
    )
  }
}
