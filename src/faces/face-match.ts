import type { FaceList } from './face-list.js'

/** One person's best encoding for a query. */
export interface FaceMatch {
  encodingId: number
  personId: number
  list: FaceList
  /** Float64 distance under the model's metric; see docs/faces-index.md. */
  distance: number
}
