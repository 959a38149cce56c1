import type { Engine } from '../../src/storage/engine.js'
import type { ReviewRecord } from '../../src/storage/repositories/review-record.js'
import type { ReviewsRepository } from '../../src/storage/repositories/reviews-repository.js'
import { sql } from '../../src/storage/sql.js'
import type { StreamMessage } from './frigate-security.js'
import { reviewMessage } from './frigate-security.js'
import { CAMERAS, ZONES } from './frigate-lifecycle.js'
import type { SeededRandom } from './random.js'

const BASE_TIME = 1_718_987_000
const OBJECTS = ['person', 'person-verified', 'car', 'dog'] as const
const NAMES = ['alice', 'bob'] as const

/**
 * The messages Frigate publishes for one review item, in order: `new`, zero
 * to three `update`s that each list something more (one sometimes repeated),
 * usually an `end`, and after it sometimes a `genai` summary.
 */
export function reviewLifecycle(random: SeededRandom, index: number): StreamMessage[] {
  const start = BASE_TIME + index * 11 + random.int(0, 99) / 100
  const id = `${start.toFixed(2)}-r${String(index).padStart(4, '0')}`
  const camera = random.pick(CAMERAS)
  const lists = {
    detections: [] as string[],
    objects: [] as string[],
    sub_labels: [] as string[],
    zones: [] as string[],
    audio: [] as string[],
  }
  const messages: StreamMessage[] = []
  let severity = 'detection'

  const grow = () => {
    lists.detections.push(`${(start + lists.detections.length).toFixed(6)}-d${index}`)
    addOnce(lists.objects, random.pick(OBJECTS))
    if (random.chance(0.4)) addOnce(lists.zones, random.pick(ZONES))
    if (random.chance(0.3)) addOnce(lists.sub_labels, random.pick(NAMES))
    if (random.chance(0.3)) severity = 'alert'
  }
  const push = (type: 'new' | 'update' | 'end' | 'genai', extra = {}) => {
    const end = type === 'end' || type === 'genai' ? start + 30 : null
    const message = reviewMessage(type, id, {
      camera,
      start_time: start,
      end_time: end,
      severity,
      data: structuredClone({ ...lists, future_field: { type } }),
      ...extra,
    })
    messages.push({
      stream: 'frigate-review',
      message,
      receivedAt: BASE_TIME + 10_000 + index * 100 + messages.length,
    })
  }

  grow()
  push('new')
  const updates = random.int(0, 3)
  for (let i = 0; i < updates; i++) {
    grow()
    push('update')
  }
  const last = messages[messages.length - 1]
  if (updates > 0 && last && random.chance(0.3)) messages.push(last)
  if (random.chance(0.75)) {
    push('end')
    if (random.chance(0.4)) push('genai', { genai: { title: `summary ${index}` } })
  }

  return messages
}

function addOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value)
}

/** Everything the reviews store holds, in a form chai can deep-compare. */
export interface ReviewsSnapshot {
  reviews: Record<string, ReviewRecord>
  /** `review_id kind value` rows of review_values, sorted. */
  values: string[]
}

export async function snapshotReviews(
  engine: Engine,
  reviews: ReviewsRepository,
): Promise<ReviewsSnapshot> {
  const ids = await engine.query<{ id: string }>(sql`SELECT id FROM reviews ORDER BY id`)
  const rows = await engine.query<{ review_id: string; kind: string; value: string }>(
    sql`SELECT review_id, kind, value FROM review_values`,
  )
  const snapshot: ReviewsSnapshot = {
    reviews: {},
    values: rows.map((r) => `${r.review_id} ${r.kind} ${r.value}`).sort(),
  }

  for (const { id } of ids) {
    const record = await reviews.get(id)
    if (record) snapshot.reviews[id] = record
  }

  return snapshot
}

export async function clearReviews(engine: Engine): Promise<void> {
  await engine.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM review_values`)
    await tx.run(sql`DELETE FROM reviews`)
  })
}
