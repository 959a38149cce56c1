import { AppError } from '../errors.js'

export const FACE_DIRECTORY_ERROR_CODES = [
  /** The request or payload is inconsistent, e.g. both person_id and name. */
  'FACE_INVALID_INPUT',
  /** No model of that name and version is configured (faces.models). */
  'FACE_UNKNOWN_MODEL',
  /** Wrong length for its model, NaN, infinity, or not base64 of float32. */
  'FACE_INVALID_ENCODING',
  'FACE_PERSON_NOT_FOUND',
  /** Another active person already has the name. */
  'FACE_NAME_TAKEN',
  /** Enrolling into an existing person on another list than the one given. */
  'FACE_LIST_MISMATCH',
] as const

export type FaceDirectoryErrorCode = (typeof FACE_DIRECTORY_ERROR_CODES)[number]

/**
 * A face write or search refused for what it asked, never for the database:
 * the request path answers it as an error, the ingest path dead-letters it.
 */
export class FaceDirectoryError extends AppError {
  override readonly code: FaceDirectoryErrorCode
  /** The wire field at fault, e.g. 'encodings.2' or 'name'. */
  readonly field: string | undefined

  constructor(code: FaceDirectoryErrorCode, message: string, field?: string) {
    super(code, message)
    this.code = code
    this.field = field
  }
}
