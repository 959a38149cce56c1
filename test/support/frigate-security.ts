import type { StreamKind } from '../../src/ingest/streams.js'
import { STREAMS } from '../../src/ingest/streams.js'
import { emptyBatch, writeBatch, type WriteBatch } from '../../src/ingest/write-batch.js'
import type { Engine } from '../../src/storage/engine.js'
import type { Repositories } from '../../src/storage/repositories/repositories.js'

/** Frigate review items and recognition results for tests. */
export interface ReviewOverrides {
  [key: string]: unknown
}

export const REVIEW_START = 1_718_987_128.5

export function reviewItem(id: string, overrides: ReviewOverrides = {}) {
  const { data, ...rest } = overrides

  return {
    id,
    camera: 'front_door',
    start_time: REVIEW_START,
    end_time: null,
    severity: 'alert',
    thumb_path: `/media/frigate/clips/review/thumb-front_door-${id}.webp`,
    data: {
      detections: [],
      objects: [],
      sub_labels: [],
      zones: [],
      audio: [],
      ...(data as Record<string, unknown> | undefined),
    },
    ...rest,
  }
}

export function reviewMessage(
  type: 'new' | 'update' | 'end' | 'genai',
  id: string,
  overrides: ReviewOverrides = {},
) {
  return { type, before: null, after: reviewItem(id, overrides) }
}

export function faceResult(
  eventId: string,
  name: string | null,
  score: number,
  timestamp: number,
) {
  return { type: 'face', id: eventId, name, score, camera: 'front_door', timestamp }
}

export function descriptionResult(eventId: string, description: string) {
  return { type: 'description', id: eventId, description, camera: 'front_door' }
}

/** A message of a stream and when the service received it. */
export interface StreamMessage {
  stream: StreamKind
  message: unknown
  receivedAt: number
}

/** What the ingest path makes of these messages, as one batch. */
export function collectBatch(messages: readonly StreamMessage[]): WriteBatch {
  const batch = emptyBatch()

  for (const { stream, message, receivedAt } of messages) {
    STREAMS[stream].collect(structuredClone(message), receivedAt, batch)
  }

  return batch
}

/** Maps the messages and writes them in one transaction, as the applier does. */
export async function applyMessages(
  engine: Engine,
  repos: Repositories,
  messages: readonly StreamMessage[],
): Promise<void> {
  const batch = collectBatch(messages)

  await engine.transaction((tx) => writeBatch(tx, repos, batch))
}
