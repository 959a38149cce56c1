import { FaceDirectoryError } from './face-directory-error.js'
import { FaceIndexError } from './face-index-error.js'
import type { ModelSpec } from './model-spec.js'
import { validateEncoding } from './validate-encoding.js'

/** An encoding on the wire: a JSON array of numbers, or base64 of float32 LE bytes. */
export type WireEncoding = number[] | string

const FLOAT_BYTES = 4
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * The float32 vector of a wire encoding, checked against its model: length,
 * NaN, infinity (a JSON number beyond float32's range becomes one) and what
 * else the index refuses. `field` names the wire field in the refusal.
 */
export function decodeEncoding(
  encoding: WireEncoding,
  model: ModelSpec,
  field: string,
): Float32Array {
  const vector =
    typeof encoding === 'string'
      ? fromBase64(encoding, model, field)
      : Float32Array.from(encoding)

  try {
    validateEncoding(vector, model, field)
  } catch (error) {
    if (error instanceof FaceIndexError) {
      throw new FaceDirectoryError('FACE_INVALID_ENCODING', error.message, field)
    }
    throw error
  }

  return vector
}

/** The stored form: float32 little-endian whatever the host's byte order. */
export function encodingToBytes(vector: Float32Array): Buffer {
  const bytes = Buffer.alloc(vector.length * FLOAT_BYTES)
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * FLOAT_BYTES))

  return bytes
}

export function encodingFromBytes(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const vector = new Float32Array(Math.floor(bytes.byteLength / FLOAT_BYTES))

  for (let i = 0; i < vector.length; i++) {
    vector[i] = view.getFloat32(i * FLOAT_BYTES, true)
  }

  return vector
}

function fromBase64(text: string, model: ModelSpec, field: string): Float32Array {
  // Buffer.from skips characters that are not base64; a damaged string must not pass.
  if (!BASE64.test(text)) {
    throw new FaceDirectoryError(
      'FACE_INVALID_ENCODING',
      `${field} is neither a list of numbers nor base64`,
      field,
    )
  }

  const bytes = Buffer.from(text, 'base64')
  if (bytes.length !== model.dim * FLOAT_BYTES) {
    const name = `${model.name}@${model.version}`
    throw new FaceDirectoryError(
      'FACE_INVALID_ENCODING',
      `${field} holds ${bytes.length} bytes; ${name} takes ${model.dim * FLOAT_BYTES}`,
      field,
    )
  }

  return encodingFromBytes(bytes)
}
