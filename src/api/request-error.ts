import { AppError } from '../errors.js'

export const REQUEST_ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_REQUEST',
  'UNKNOWN_OP',
  'NOT_FOUND',
  'CONFLICT',
  'RESPONSE_TOPIC_NOT_ALLOWED',
  'UNAVAILABLE',
  'INTERNAL',
] as const
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number]

/** A request that cannot be answered with data; becomes the response's error. */
export class RequestError extends AppError {
  readonly field: string | undefined

  constructor(code: RequestErrorCode, message: string, field?: string) {
    super(code, message)
    this.field = field
  }
}
