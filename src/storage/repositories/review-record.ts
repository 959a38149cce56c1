import type { Revision } from './event-record.js'

/** The list fields of a review item's data, stored one value a row. */
export const REVIEW_VALUE_KINDS = [
  'objects',
  'sub_labels',
  'zones',
  'detections',
  'audio',
] as const
export type ReviewValueKind = (typeof REVIEW_VALUE_KINDS)[number]

export type ReviewValues = Record<ReviewValueKind, string[]>

/** One Frigate review item (an alert or a detection) as storage keeps it. */
export interface ReviewRecord {
  id: string
  camera: string
  /** alert or detection. */
  severity: string
  startTime: number
  endTime: number | null
  thumbPath: string | null
  /** data's list values by kind, sorted; stored ones accumulate across states. */
  values: ReviewValues
  /** The latest full review item, unknown fields included. */
  data: Record<string, unknown>
  revision: Revision
  /** Ingest time of the stored state, unix seconds. */
  updatedAt: number
}

export function emptyReviewValues(): ReviewValues {
  return { objects: [], sub_labels: [], zones: [], detections: [], audio: [] }
}
