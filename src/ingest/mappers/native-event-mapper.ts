import type { EventRecord } from '../../storage/repositories/event-record.js'
import type { EventStage } from '../../storage/repositories/event-stages-repository.js'
import type { TimelineEntry } from '../../storage/repositories/event-timeline-repository.js'

/** A <base>/ingest/event payload, as its schema admits it. */
export interface NativeEventMessage extends Record<string, unknown> {
  event_id: string
  event_type: string
  timestamp: number | string
  source: string
  camera?: string
  confidence?: number
  data?: Record<string, unknown>
  processing_stage?: string
  enrichments?: Record<string, unknown>
  errors?: unknown[]
  parent_event_id?: string | null
}

/** Processing stages in order; a later stage replaces an earlier one. */
export const PROCESSING_STAGES = [
  'received',
  'detected',
  'recognized',
  'enriched',
  'completed',
  'failed',
] as const

const FINAL_STAGES = new Set<string>(['completed', 'failed'])

/**
 * A native event as an event record. It happened at one instant, so it is
 * never in progress; republishing it at a later stage replaces the stored one.
 */
export function mapNativeEvent(
  message: NativeEventMessage,
  receivedAt: number,
): EventRecord {
  const time = toUnixSeconds(message.timestamp)
  const stage = message.processing_stage ?? null
  const stageRank = stage === null ? -1 : PROCESSING_STAGES.indexOf(stage as never)
  const zones = message.data?.zones

  return {
    id: message.event_id,
    origin: 'native',
    eventType: message.event_type,
    camera: message.camera ?? null,
    label: typeof message.data?.label === 'string' ? message.data.label : null,
    source: message.source,
    subLabel: typeof message.data?.person === 'string' ? message.data.person : null,
    subLabelScore: null,
    score: message.confidence ?? null,
    topScore: message.confidence ?? 0,
    startTime: time,
    endTime: time,
    hasClip: false,
    hasSnapshot: false,
    processingStage: stage,
    parentEventId: message.parent_event_id ?? null,
    person: null,
    description: null,
    zones: Array.isArray(zones)
      ? zones.filter((z): z is string => typeof z === 'string')
      : [],
    data: message,
    revision: {
      closed: stage !== null && FINAL_STAGES.has(stage) ? 1 : 0,
      time: stageRank,
      step: 0,
    },
    updatedAt: receivedAt,
  }
}

/**
 * What the message's processing stage reported, kept beside the other
 * stages' reports; undefined when the message names no stage.
 */
export function nativeEventStage(
  message: NativeEventMessage,
  receivedAt: number,
): EventStage | undefined {
  const stage = message.processing_stage
  if (stage === undefined) return undefined

  return {
    eventId: message.event_id,
    stage,
    rank: PROCESSING_STAGES.indexOf(stage as never),
    enrichments: message.enrichments ?? null,
    errors: message.errors ?? [],
    receivedAt,
  }
}

/** A native event starts, and enters its zones, at its timestamp. */
export function nativeEventTimeline(message: NativeEventMessage): TimelineEntry[] {
  const record = mapNativeEvent(message, 0)
  const { id: eventId, startTime: time } = record
  const entries: TimelineEntry[] = [
    { eventId, kind: 'started', key: '', time, detail: null },
  ]

  for (const zone of new Set(record.zones)) {
    entries.push({ eventId, kind: 'zone_entered', key: zone, time, detail: { zone } })
  }

  return entries
}

function toUnixSeconds(value: number | string): number {
  if (typeof value === 'number') return value

  // The schema's date-time (RFC 3339) admits forms Date.parse cannot read, such
  // as a leap second or an hour-only offset; NaN would be stored by PostgreSQL.
  const millis = Date.parse(value)
  if (!Number.isFinite(millis)) throw new Error(`timestamp ${value} has no unix time`)

  return millis / 1000
}
