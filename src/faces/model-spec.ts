import { FaceIndexError } from './face-index-error.js'
import { FACE_METRICS, type FaceMetric } from './face-metric.js'

/** The model that produced an encoding. Encodings of different models never meet. */
export interface ModelSpec {
  /** e.g. 'dlib_face_recognition_resnet_model_v1' or 'arcface_r100'. */
  name: string
  version: string
  /** Encoding length, fixed per model: 128 for dlib, 512 for ArcFace. */
  dim: number
  metric: FaceMetric
}

/** Larger encodings exist in no face model we know and would only hide a bug. */
export const MAX_DIM = 4096

/** Checks a spec and returns the key its matrix is stored under (name + version). */
export function modelKey(model: ModelSpec): string {
  if (typeof model.name !== 'string' || model.name === '') {
    throw new FaceIndexError(
      'FACE_INVALID_MODEL',
      'model name must be a non-empty string',
    )
  }
  if (typeof model.version !== 'string' || model.version === '') {
    throw new FaceIndexError(
      'FACE_INVALID_MODEL',
      'model version must be a non-empty string',
    )
  }
  if (!Number.isInteger(model.dim) || model.dim < 1 || model.dim > MAX_DIM) {
    throw new FaceIndexError('FACE_INVALID_MODEL', `model dim must be 1..${MAX_DIM}`)
  }
  if (!FACE_METRICS.includes(model.metric)) {
    throw new FaceIndexError(
      'FACE_INVALID_MODEL',
      `unknown metric ${String(model.metric)}`,
    )
  }

  // The length prefix keeps 'a@b' + 'c' and 'a' + 'b@c' apart
  return `${model.name.length}:${model.name}@${model.version}`
}
