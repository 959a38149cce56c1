import type { WriteBatch } from './write-batch.js'
import {
  mapFrigateEvent,
  type FrigateEventMessage,
} from './mappers/frigate-event-mapper.js'
import { mapNativeEvent, type NativeEventMessage } from './mappers/native-event-mapper.js'

/** Every kind of ingested message; each has a schema and a mapper. */
export const STREAM_KINDS = ['frigate-event', 'native-event'] as const
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
      batch.events.push(mapFrigateEvent(message as FrigateEventMessage, receivedAt))
    },
  },
  'native-event': {
    kind: 'native-event',
    schemaId: 'ingest/event.schema.json',
    collect: (message, receivedAt, batch) => {
      batch.events.push(mapNativeEvent(message as NativeEventMessage, receivedAt))
    },
  },
}

export function isStreamKind(value: string): value is StreamKind {
  return (STREAM_KINDS as readonly string[]).includes(value)
}
