import type { EventRecord } from '../../storage/repositories/event-record.js'

/** The parts of a frigate/events message that storage reads; the rest is kept. */
export interface FrigateEventMessage {
  type: string
  after: TrackedObject
}

interface TrackedObject extends Record<string, unknown> {
  id: string
  camera: string
  label: string
  frame_time: number
  start_time: number
  end_time?: number | null
  sub_label?: string | [string, number | null] | [string] | null
  top_score?: number | null
  score?: number | null
  has_clip?: boolean | null
  has_snapshot?: boolean | null
  entered_zones?: string[]
}

// Within one frame_time, new < update < end; an unknown type ranks as update.
const TYPE_STEPS: Record<string, number> = { new: 0, update: 1, end: 2 }

/**
 * One Frigate tracked-object state as an event record. An ended state outranks
 * every open one, so an update that arrives after the end cannot reopen it.
 */
export function mapFrigateEvent(
  message: FrigateEventMessage,
  receivedAt: number,
): EventRecord {
  const state = message.after
  const ended = state.end_time != null || message.type === 'end'
  const [subLabel, subLabelScore] = readSubLabel(state.sub_label)

  return {
    id: state.id,
    origin: 'frigate',
    eventType: 'tracked_object',
    camera: state.camera,
    label: state.label,
    source: 'frigate',
    subLabel,
    subLabelScore,
    score: state.score ?? null,
    topScore: state.top_score ?? state.score ?? 0,
    startTime: state.start_time,
    endTime: ended ? (state.end_time ?? state.frame_time) : null,
    hasClip: state.has_clip === true,
    hasSnapshot: state.has_snapshot === true,
    processingStage: null,
    parentEventId: null,
    person: null,
    description: null,
    zones: state.entered_zones ?? [],
    data: state,
    revision: {
      closed: ended ? 1 : 0,
      time: state.frame_time,
      step: TYPE_STEPS[message.type] ?? 1,
    },
    updatedAt: receivedAt,
  }
}

/** `[name, score]` since Frigate 0.14, a bare name before it. */
function readSubLabel(value: TrackedObject['sub_label']): [string | null, number | null] {
  if (value == null) return [null, null]
  if (typeof value === 'string') return [value, null]

  return [value[0], value[1] ?? null]
}
