import type {
  EncodingSummary,
  PersonRecord,
} from '../storage/repositories/faces-repository.js'
import type { WireEncoding } from './encoding-codec.js'
import type { EnrollRequest, SearchRequest, SearchResult } from './face-requests.js'
import type { BlacklistMatch } from './face-events.js'
import type { FaceList } from './face-list.js'

/**
 * The face database's wire format (snake_case, as in schemas/), converted here
 * for both edges that speak it: the faces/* requests and <base>/ingest/face.
 */
export interface WireEnroll {
  person_id?: number
  name?: string
  list?: FaceList
  reason?: string | null
  metadata?: Record<string, unknown>
  model: string
  model_version?: string
  encoding?: WireEncoding
  encodings?: WireEncoding[]
  actor?: string
}

export interface WireSearch {
  encoding: WireEncoding
  model: string
  model_version?: string
  top_k?: number
  threshold?: number
  lists?: FaceList[]
  camera?: string
  event_id?: string
}

/** Who a change is recorded for when the message names no actor. */
export const DEFAULT_REQUEST_ACTOR = 'mqtt'
export const DEFAULT_INGEST_ACTOR = 'ingest'

/** A checked faces/enroll request or <base>/ingest/face payload. */
export function enrollFromWire(wire: WireEnroll, defaultActor: string): EnrollRequest {
  const encodings =
    wire.encoding !== undefined
      ? [{ value: wire.encoding, field: 'encoding' }]
      : (wire.encodings ?? []).map((value, i) => ({ value, field: `encodings.${i}` }))

  return {
    personId: wire.person_id,
    name: wire.name,
    list: wire.list,
    reason: wire.reason,
    metadata: wire.metadata,
    model: wire.model,
    modelVersion: wire.model_version,
    encodings,
    actor: wire.actor ?? defaultActor,
  }
}

export function searchFromWire(wire: WireSearch): SearchRequest {
  return {
    encoding: wire.encoding,
    model: wire.model,
    modelVersion: wire.model_version,
    topK: wire.top_k,
    threshold: wire.threshold,
    lists: wire.lists,
    camera: wire.camera,
    eventId: wire.event_id,
  }
}

export function toWirePerson(person: PersonRecord) {
  return {
    id: person.id,
    name: person.name,
    list: person.list,
    reason: person.reason,
    metadata: person.metadata,
    active: person.active,
    encoding_count: person.encodingCount,
    created_at: person.createdAt,
    updated_at: person.updatedAt,
  }
}

export function toWireEncoding(encoding: EncodingSummary) {
  return {
    id: encoding.id,
    model: encoding.modelName,
    model_version: encoding.modelVersion,
    dim: encoding.dim,
    created_at: encoding.createdAt,
  }
}

export function toWireSearch(result: SearchResult) {
  return {
    verdict: result.verdict,
    matches: result.matches.map((m) => ({
      person_id: m.personId,
      name: m.name,
      list: m.list,
      reason: m.reason,
      distance: m.distance,
      confidence: m.confidence,
      encoding_id: m.encodingId,
    })),
    model: result.model.name,
    model_version: result.model.version,
    metric: result.model.metric,
    threshold: result.threshold,
    top_k: result.topK,
  }
}

/** The payload published on <base>/alerts/blacklist. */
export function toWireBlacklistAlert(match: BlacklistMatch) {
  return {
    time: match.time,
    person_id: match.personId,
    name: match.name,
    list: 'blacklist' as const,
    reason: match.reason,
    distance: match.distance,
    confidence: match.confidence,
    threshold: match.threshold,
    model: match.model,
    model_version: match.modelVersion,
    encoding_id: match.encodingId,
    camera: match.camera,
    event_id: match.eventId,
  }
}
