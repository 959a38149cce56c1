import type { FrigateEventMessage } from '../../src/ingest/mappers/frigate-event-mapper.js'
import { frigateMessage } from './frigate.js'
import type { SeededRandom } from './random.js'

/** A frigate/events message and when the service received it. */
export interface ReceivedMessage {
  message: FrigateEventMessage
  receivedAt: number
}

export const CAMERAS = ['front_door', 'driveway', 'garden'] as const
export const LABELS = ['person', 'car', 'dog'] as const
export const ZONES = ['porch', 'yard', 'street', 'steps'] as const

const BASE_TIME = 1_718_987_000

/**
 * The messages Frigate publishes for one tracked object, in order: `new`,
 * zero to four `update`s (one sometimes repeated) and usually an `end`, with
 * frame_time increasing, zones growing and unknown fields along the way.
 */
export function frigateLifecycle(random: SeededRandom, index: number): ReceivedMessage[] {
  const start = BASE_TIME + index * 7 + random.int(0, 99) / 100
  const id = `${start.toFixed(6)}-o${String(index).padStart(5, '0')}`
  const fixed = {
    camera: random.pick(CAMERAS),
    label: random.pick(LABELS),
    start_time: start,
  }
  const zones: string[] = []
  const messages: ReceivedMessage[] = []
  let frameTime = start + 0.1
  let topScore = 0

  const push = (type: 'new' | 'update' | 'end', step: number) => {
    const score = Math.round(random.next() * 100) / 100
    topScore = Math.max(topScore, score)
    if (random.chance(0.4)) addZone(zones, random.pick(ZONES))
    const message = frigateMessage(type, id, {
      ...fixed,
      frame_time: frameTime,
      score,
      top_score: topScore,
      end_time: type === 'end' ? frameTime : null,
      entered_zones: [...zones],
      current_zones: zones.slice(-1),
      has_snapshot: step > 0,
      has_clip: type === 'end',
      sub_label: step >= 2 ? ['alice', 0.9] : null,
      future_field: { step, note: `state ${step}` },
    }) as FrigateEventMessage
    messages.push({ message, receivedAt: BASE_TIME + 10_000 + index * 100 + step })
    frameTime += 0.5
  }

  push('new', 0)
  const updates = random.int(0, 4)
  for (let step = 1; step <= updates; step++) push('update', step)
  const last = messages[messages.length - 1]
  if (updates > 0 && last && random.chance(0.3)) messages.push(last)
  if (random.chance(0.7)) push('end', updates + 1)

  return messages
}

function addZone(zones: string[], zone: string): void {
  if (!zones.includes(zone)) zones.push(zone)
}
