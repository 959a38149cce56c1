import type { EventResult } from '../../storage/repositories/event-results-repository.js'
import type { TimelineEntry } from '../../storage/repositories/event-timeline-repository.js'
import { contentKey } from './content-key.js'

/** A frigate/tracked_object_update message, as its schema admits it. */
export interface TrackedObjectUpdateMessage extends Record<string, unknown> {
  type: string
  /** The tracked object's id, which is also its event's id. */
  id: string
  camera?: string
  timestamp?: number
  name?: string | null
  score?: number | null
  plate?: string | null
  description?: string | null
  model?: string
  sub_label?: string | null
  attribute?: string | null
}

type NameAndValue = [name: string | null, value: string | null]

// What name and value mean for each type; a type Frigate adds later keeps a
// name if it has one, and its whole message in data.
const READERS: Record<string, (m: TrackedObjectUpdateMessage) => NameAndValue> = {
  face: (m) => [text(m.name), null],
  lpr: (m) => [text(m.name), text(m.plate)],
  description: (m) => [null, text(m.description)],
  classification: (m) => [text(m.model), text(m.sub_label) ?? text(m.attribute)],
}

/**
 * A recognition result for its event. The event may not have arrived yet;
 * the result is kept and the event takes it up when it does.
 */
export function mapTrackedObjectUpdate(
  message: TrackedObjectUpdateMessage,
  receivedAt: number,
): EventResult {
  const read = READERS[message.type] ?? ((m) => [text(m.name), null])
  const [name, value] = read(message)

  return {
    eventId: message.id,
    kind: message.type,
    key: contentKey(message),
    time: typeof message.timestamp === 'number' ? message.timestamp : receivedAt,
    name,
    value,
    score: typeof message.score === 'number' ? message.score : null,
    camera: text(message.camera),
    data: message,
    receivedAt,
  }
}

/** The result's entry in its event's timeline: the same kind, time and key. */
export function resultTimelineEntry(result: EventResult): TimelineEntry {
  const detail: Record<string, unknown> = {}
  if (result.name !== null) detail.name = result.name
  if (result.value !== null) detail.value = result.value
  if (result.score !== null) detail.score = result.score

  return {
    eventId: result.eventId,
    kind: result.kind,
    key: result.key,
    time: result.time,
    detail,
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}
