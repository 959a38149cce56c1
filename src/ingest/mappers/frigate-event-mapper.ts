import type { EventRecord } from '../../storage/repositories/event-record.js'
import type { TimelineEntry } from '../../storage/repositories/event-timeline-repository.js'

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
  const endTime = endTimeOf(message)
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
    endTime,
    hasClip: state.has_clip === true,
    hasSnapshot: state.has_snapshot === true,
    processingStage: null,
    parentEventId: null,
    person: null,
    description: null,
    zones: state.entered_zones ?? [],
    data: state,
    revision: {
      closed: endTime === null ? 0 : 1,
      time: state.frame_time,
      step: TYPE_STEPS[message.type] ?? 1,
    },
    updatedAt: receivedAt,
  }
}

/**
 * The timeline entries one state shows: the start, each zone entered (at
 * this state's frame_time; the store keeps the earliest) and the end.
 */
export function frigateEventTimeline(message: FrigateEventMessage): TimelineEntry[] {
  const state = message.after
  const eventId = state.id
  const endTime = endTimeOf(message)
  const entries: TimelineEntry[] = [
    { eventId, kind: 'started', key: '', time: state.start_time, detail: null },
  ]

  for (const zone of new Set(state.entered_zones ?? [])) {
    const time = state.frame_time
    entries.push({ eventId, kind: 'zone_entered', key: zone, time, detail: { zone } })
  }
  if (endTime !== null) {
    entries.push({ eventId, kind: 'ended', key: '', time: endTime, detail: null })
  }

  return entries
}

/** end_time, or frame_time for an end message without one; null while open. */
function endTimeOf(message: FrigateEventMessage): number | null {
  const state = message.after
  if (state.end_time != null) return state.end_time

  return message.type === 'end' ? state.frame_time : null
}

/** `[name, score]` since Frigate 0.14, a bare name before it. */
function readSubLabel(value: TrackedObject['sub_label']): [string | null, number | null] {
  if (value == null) return [null, null]
  if (typeof value === 'string') return [value, null]

  return [value[0], value[1] ?? null]
}
