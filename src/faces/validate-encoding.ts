import { FaceIndexError } from './face-index-error.js'
import { METRIC_RULES } from './metric-rules.js'
import type { ModelSpec } from './model-spec.js'

/** No face model emits components near this; beyond it float32 squares could overflow. */
export const MAX_COMPONENT = 1e9

/** Throws FACE_INVALID_ENCODING unless `vector` is a usable encoding of `model`. */
export function validateEncoding(
  vector: Float32Array,
  model: ModelSpec,
  what = 'encoding',
): void {
  if (!(vector instanceof Float32Array)) {
    throw invalid(`${what} must be a Float32Array`)
  }
  if (vector.length !== model.dim) {
    const name = `${model.name}@${model.version}`
    throw invalid(`${what} has ${vector.length} components; ${name} has ${model.dim}`)
  }

  let squares = 0
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i]!
    // One comparison per component; false for NaN and ±Infinity too
    if (!(Math.abs(value) <= MAX_COMPONENT)) {
      throw invalid(`${what} component ${i} is ${describe(value)}`)
    }
    squares += value * value
  }

  if (Math.sqrt(squares) < METRIC_RULES[model.metric].minNorm) {
    throw invalid(`${what} has (near) zero length; ${model.metric} needs a direction`)
  }
}

function describe(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return 'infinite'

  return `beyond ±${MAX_COMPONENT}`
}

function invalid(message: string): FaceIndexError {
  return new FaceIndexError('FACE_INVALID_ENCODING', message)
}
