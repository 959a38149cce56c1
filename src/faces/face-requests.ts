import type { PersonRecord } from '../storage/repositories/faces-repository.js'
import type { WireEncoding } from './encoding-codec.js'
import type { FaceList } from './face-list.js'
import type { FaceModel } from './face-models.js'
import type { PersonAction } from './person-changes.js'

/** One wire encoding and the field it came in, for refusals. */
export interface EncodingInput {
  value: WireEncoding
  field: string
}

/**
 * A new person (by name) or samples for an existing one: `personId`, or the
 * name of an active person. Person fields apply only when one is created.
 */
export interface EnrollRequest {
  personId?: number
  name?: string
  list?: FaceList
  reason?: string | null
  metadata?: Record<string, unknown>
  model: string
  modelVersion?: string
  encodings: EncodingInput[]
  actor: string
}

export interface EnrollResult {
  person: PersonRecord
  created: boolean
  encodingIds: number[]
}

export interface ChangeResult {
  person: PersonRecord
  /** What changed, in the order recorded; empty when nothing did. */
  actions: PersonAction[]
}

export interface SearchRequest {
  encoding: WireEncoding
  model: string
  modelVersion?: string
  topK?: number
  /** Default: the model's configured threshold. */
  threshold?: number
  lists?: FaceList[]
  camera?: string
  eventId?: string
}

export interface SearchMatch {
  personId: number
  name: string
  list: FaceList
  reason: string | null
  encodingId: number
  distance: number
  confidence: number
}

export const FACE_VERDICTS = ['known', 'blacklist', 'unknown'] as const
export type FaceVerdict = (typeof FACE_VERDICTS)[number]

export interface SearchResult {
  /** The nearest match's list, or 'unknown' when nobody is within the threshold. */
  verdict: FaceVerdict
  /** Persons within the threshold, nearest first. */
  matches: SearchMatch[]
  model: FaceModel
  threshold: number
  topK: number
}
