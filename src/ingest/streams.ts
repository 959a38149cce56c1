import type { WriteBatch } from './write-batch.js'
import {
  frigateEventTimeline,
  mapFrigateEvent,
  type FrigateEventMessage,
} from './mappers/frigate-event-mapper.js'
import {
  mapFrigateReview,
  type FrigateReviewMessage,
} from './mappers/frigate-review-mapper.js'
import {
  mapNativeEvent,
  nativeEventStage,
  nativeEventTimeline,
  type NativeEventMessage,
} from './mappers/native-event-mapper.js'
import {
  mapTrackedObjectUpdate,
  resultTimelineEntry,
  type TrackedObjectUpdateMessage,
} from './mappers/tracked-object-update-mapper.js'

/** Every kind of ingested message; each has a schema and a mapper. */
export const STREAM_KINDS = [
  'frigate-event',
  'native-event',
  'frigate-review',
  'frigate-object-update',
] as const
export type StreamKind = (typeof STREAM_KINDS)[number]

export interface Stream {
  kind: StreamKind
  /** Id of the payload's schema under schemas/. */
  schemaId: string
  /** Adds what the (valid) message writes to the batch. */
  collect(message: unknown, receivedAt: number, batch: WriteBatch): void
}

export const STREAMS: Record<StreamKind, Stream> = {
  'frigate-event': {
    kind: 'frigate-event',
    schemaId: 'ingest/frigate-event.schema.json',
    collect: (message, receivedAt, batch) => {
      const event = message as FrigateEventMessage
      batch.events.push(mapFrigateEvent(event, receivedAt))
      batch.eventTimeline.push(...frigateEventTimeline(event))
    },
  },
  'native-event': {
    kind: 'native-event',
    schemaId: 'ingest/event.schema.json',
    collect: (message, receivedAt, batch) => {
      const event = message as NativeEventMessage
      const stage = nativeEventStage(event, receivedAt)
      batch.events.push(mapNativeEvent(event, receivedAt))
      batch.eventTimeline.push(...nativeEventTimeline(event))
      if (stage) batch.eventStages.push(stage)
    },
  },
  'frigate-review': {
    kind: 'frigate-review',
    schemaId: 'ingest/frigate-review.schema.json',
    collect: (message, receivedAt, batch) => {
      batch.reviews.push(mapFrigateReview(message as FrigateReviewMessage, receivedAt))
    },
  },
  'frigate-object-update': {
    kind: 'frigate-object-update',
    schemaId: 'ingest/frigate-tracked-object-update.schema.json',
    collect: (message, receivedAt, batch) => {
      const update = message as TrackedObjectUpdateMessage
      const result = mapTrackedObjectUpdate(update, receivedAt)
      batch.eventResults.push(result)
      batch.eventTimeline.push(resultTimelineEntry(result))
    },
  },
}

export function isStreamKind(value: string): value is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(value)
}
