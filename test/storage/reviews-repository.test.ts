import { expect } from 'chai'
import {
  mapFrigateReview,
  type FrigateReviewMessage,
} from '../../src/ingest/mappers/frigate-review-mapper.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import {
  REVIEW_START,
  applyMessages,
  reviewMessage,
  type StreamMessage,
} from '../support/frigate-security.js'
import { SeededRandom } from '../support/random.js'
import {
  clearReviews,
  reviewLifecycle,
  snapshotReviews,
} from '../support/review-lifecycle.js'

const RECEIVED_AT = 1_718_990_000
const ID = '1718987128.5-abc123'

function received(message: unknown, receivedAt = RECEIVED_AT): StreamMessage {
  return { stream: 'frigate-review', message, receivedAt }
}

describeEachEngine('ReviewsRepository', (ctx) => {
  const repos = () => createRepositories(ctx().engine)
  const apply = (messages: readonly StreamMessage[]) =>
    applyMessages(ctx().engine, repos(), messages)
  const snapshot = () => snapshotReviews(ctx().engine, repos().reviews)
  const stored = (id = ID) => repos().reviews.get(id)

  it('stores the same rows whatever the arrival order, repeats and batch split', async function () {
    this.timeout(60_000)
    const seed = 20240622
    const random = new SeededRandom(seed)
    const lifecycles = Array.from({ length: 25 }, (_, i) => reviewLifecycle(random, i))
    const inOrder = lifecycles.flat()

    for (const message of inOrder) await apply([message])
    const expected = await snapshot()

    for (const lifecycle of lifecycles) {
      const last = lifecycle[lifecycle.length - 1]
      if (!last) continue
      const final = mapFrigateReview(
        last.message as FrigateReviewMessage,
        last.receivedAt,
      )
      expect(expected.reviews[final.id], final.id).to.deep.equal(final)
    }
    expect(Object.keys(expected.reviews)).to.have.length(25)

    for (let round = 0; round < 20; round++) {
      await clearReviews(ctx().engine)
      const shuffled = random.shuffle(inOrder)
      const batches = round === 0 ? [shuffled] : random.split(shuffled, 30)
      for (const batch of batches) await apply(batch)

      expect(await snapshot(), `seed ${seed}, round ${round}`).to.deep.equal(expected)
    }
  })

  it('keeps the ended state when an update arrives after end', async () => {
    const data = { objects: ['person'], detections: ['e1'] }
    const end = reviewMessage('end', ID, { end_time: REVIEW_START + 9, data })
    const late = reviewMessage('update', ID, {
      severity: 'detection',
      data: { ...data, zones: ['porch', 'yard', 'street'], detections: ['e1', 'e2'] },
    })

    await apply([received(end)])
    await apply([received(late, RECEIVED_AT + 1)])
    const review = await stored()

    expect(review).to.deep.include({ endTime: REVIEW_START + 9, severity: 'alert' })
    expect(review?.revision.closed).to.equal(1)
  })

  it('lets a genai summary replace the end, and not the reverse', async () => {
    const end = reviewMessage('end', ID, { end_time: REVIEW_START + 9 })
    const genai = reviewMessage('genai', ID, {
      end_time: REVIEW_START + 9,
      data: { metadata: { title: 'A courier at the door' } },
    })

    await apply([received(genai), received(end)])
    await apply([received(end, RECEIVED_AT + 5)])
    const review = await stored()

    expect(review?.data.data).to.deep.include({
      metadata: { title: 'A courier at the door' },
    })
  })

  it('accumulates the list values of every state, in any order', async () => {
    const older = reviewMessage('new', ID, {
      data: { objects: ['person'], zones: ['porch'], detections: ['e1'] },
    })
    const newer = reviewMessage('update', ID, {
      data: { objects: ['person-verified'], sub_labels: ['alice'], detections: ['e2'] },
    })

    await apply([received(newer)])
    await apply([received(older), received(older)])
    const review = await stored()

    expect(review?.values).to.deep.equal({
      objects: ['person', 'person-verified'],
      sub_labels: ['alice'],
      zones: ['porch'],
      detections: ['e1', 'e2'],
      audio: [],
    })
  })

  it('changes nothing when the same messages are applied again', async () => {
    const random = new SeededRandom(11)
    const messages = Array.from({ length: 6 }, (_, i) =>
      reviewLifecycle(random, i),
    ).flat()
    await apply(messages)
    const before = await snapshot()
    const stamps = () =>
      ctx().engine.query(sql`SELECT id, created_at, updated_at FROM reviews ORDER BY id`)
    const stampsBefore = await stamps()

    await apply(random.shuffle(messages))
    for (const message of messages) await apply([message])

    expect(await snapshot()).to.deep.equal(before)
    expect(await stamps()).to.deep.equal(stampsBefore)
  })

  it('keeps unknown fields of the review item and of its data', async () => {
    const message = reviewMessage('new', ID, {
      later_field: { nested: [1, 'two'] },
      data: { objects: ['person'], verified_objects: ['alice'], metadata: null },
    })

    await apply([received(message)])
    const review = await stored()

    expect(review?.data).to.deep.equal(message.after)
  })

  it('finds the review items that list an event among their detections', async () => {
    const event = '1718987128.947436-g92ztx'
    await apply([
      received(reviewMessage('new', 'r-1', { data: { detections: [event, 'other'] } })),
      received(
        reviewMessage('new', 'r-2', {
          start_time: REVIEW_START + 60,
          data: { detections: [event] },
        }),
      ),
      received(reviewMessage('new', 'r-3', { data: { detections: ['other'] } })),
      received(reviewMessage('new', 'r-4', { data: { objects: [event] } })),
    ])

    const found = await repos().reviews.forEvent(event)

    expect(found.map((r) => r.id)).to.deep.equal(['r-1', 'r-2'])
    expect(found[0]?.values.detections).to.deep.equal([event, 'other'])
  })

  it('returns undefined for an id it does not hold', async () => {
    expect(await stored('nope')).to.equal(undefined)
  })

  it('writes batches larger than one statement can bind', async function () {
    this.timeout(60_000)
    const { engine } = ctx()
    const perStatement = Math.floor(engine.capabilities.maxBindValues / 12)
    const messages = Array.from({ length: perStatement * 2 + 3 }, (_, i) =>
      received(reviewMessage('new', `r-${i}`, { data: { zones: ['porch'] } })),
    )

    await apply(messages)
    const counted = await engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM review_values`,
    )

    expect(Number(counted[0]?.n)).to.equal(messages.length)
  })
})
