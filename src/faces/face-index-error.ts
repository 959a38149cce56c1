export const FACE_INDEX_ERROR_CODES = [
  'FACE_INVALID_ENCODING',
  'FACE_INVALID_MODEL',
  'FACE_MODEL_MISMATCH',
  'FACE_INVALID_ID',
  'FACE_DUPLICATE_ENCODING',
  'FACE_INVALID_ARGUMENT',
  'FACE_KERNEL_UNAVAILABLE',
  'FACE_INDEX_FULL',
] as const

export type FaceIndexErrorCode = (typeof FACE_INDEX_ERROR_CODES)[number]

/** Every refusal of the face index, with a stable code callers can switch on. */
export class FaceIndexError extends Error {
  override readonly name = 'FaceIndexError'
  readonly code: FaceIndexErrorCode

  constructor(code: FaceIndexErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
