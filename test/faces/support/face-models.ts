import type { ModelSpec } from '../../../src/faces/index.js'

export const DLIB: ModelSpec = {
  name: 'dlib_face_recognition_resnet_model_v1',
  version: '1',
  dim: 128,
  metric: 'euclidean',
}

export const ARCFACE: ModelSpec = {
  name: 'arcface_r100',
  version: '1',
  dim: 512,
  metric: 'cosine',
}

/** A vector of `model.dim` components: `leading`, then zeros. */
export function vectorOf(model: ModelSpec, leading: number[]): Float32Array {
  const vector = new Float32Array(model.dim)
  vector.set(leading)

  return vector
}
