import { expect } from 'chai'
import type { Engine } from '../../src/storage/engine.js'
import {
  createRepositories,
  type Repositories,
} from '../../src/storage/repositories/repositories.js'
import { sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  descriptionResult,
  faceResult,
  type StreamMessage,
} from '../support/frigate-security.js'
import { SeededRandom } from '../support/random.js'
import { SwitchableEngine } from '../support/switchable-engine.js'

const EVENT = '1718987128.947436-g92ztx'
const T = 1_718_987_130
const RECEIVED_AT = 1_718_990_000

function result(message: unknown, receivedAt = RECEIVED_AT): StreamMessage {
  return { stream: 'frigate-object-update', message, receivedAt }
}

function event(
  type: 'new' | 'update' | 'end',
  overrides: Record<string, unknown> = {},
  id = EVENT,
): StreamMessage {
  return {
    stream: 'frigate-event',
    message: frigateMessage(type, id, overrides),
    receivedAt: RECEIVED_AT,
  }
}

/** Face results in time order; the latest that counts at 0.6 is bob's. */
const FACES = [
  faceResult(EVENT, 'alice', 0.9, T + 1),
  faceResult(EVENT, 'bob', 0.7, T + 2),
  faceResult(EVENT, 'unknown', 0.95, T + 3),
  faceResult(EVENT, null, 0.99, T + 4),
  faceResult(EVENT, 'carol', 0.5, T + 5),
]

describeEachEngine('EventResultsRepository', (ctx) => {
  let repos: Repositories
  let engine: Engine

  beforeEach(() => {
    engine = ctx().engine
    repos = createRepositories(engine)
  })

  const apply = (messages: readonly StreamMessage[], with_ = repos) =>
    applyMessages(engine, with_, messages)
  const stored = async (id = EVENT) => {
    const record = await repos.events.get(id)
    return record && { person: record.person, description: record.description }
  }

  it('keeps results for an event that has not arrived and applies them when it does', async () => {
    await apply([
      result(faceResult(EVENT, 'alice', 0.8, T)),
      result(descriptionResult(EVENT, 'A person in a red coat.')),
    ])
    const before = await stored()
    const results = await repos.eventResults.forEvent(EVENT)

    await apply([event('new')])

    expect(before).to.equal(undefined)
    expect(results.map((r) => r.kind).sort()).to.deep.equal(['description', 'face'])
    expect(await stored()).to.deep.equal({
      person: 'alice',
      description: 'A person in a red coat.',
    })
  })

  it('applies a result to an event already stored', async () => {
    await apply([event('new')])
    await apply([result(faceResult(EVENT, 'alice', 0.8, T))])

    expect(await stored()).to.deep.equal({ person: 'alice', description: null })
  })

  it('applies results and their event arriving in one batch, in either order', async () => {
    await apply([result(faceResult(EVENT, 'alice', 0.8, T)), event('new')])
    await apply([event('new', {}, 'other'), result(faceResult('other', 'bob', 0.8, T))])

    expect(await stored()).to.deep.include({ person: 'alice' })
    expect(await stored('other')).to.deep.include({ person: 'bob' })
  })

  it('names the person from the latest named, confident face result', async () => {
    const random = new SeededRandom(5)
    const messages = [event('update'), ...FACES.map((face) => result(face))]

    for (let round = 0; round < 8; round++) {
      await engine.transaction(async (tx) => {
        await tx.run(sql`DELETE FROM event_results`)
        await tx.run(sql`DELETE FROM events`)
      })
      for (const batch of random.split(random.shuffle(messages), 3)) await apply(batch)

      expect(await stored(), `round ${round}`).to.deep.include({ person: 'bob' })
    }
  })

  it('leaves person null when no face result names someone with enough score', async () => {
    await apply([
      event('new'),
      result(faceResult(EVENT, 'unknown', 0.9, T)),
      result(faceResult(EVENT, null, 0.9, T + 1)),
      result(faceResult(EVENT, 'carol', 0.59, T + 2)),
    ])

    expect(await stored()).to.deep.include({ person: null })
  })

  it('uses the configured lowest face score', async () => {
    const lenient = createRepositories(engine, { faceMinScore: 0.4 })

    await apply([event('new'), ...FACES.map((face) => result(face))], lenient)

    expect(await stored()).to.deep.include({ person: 'carol' })
  })

  it('takes the latest description', async () => {
    await apply([event('new'), result(descriptionResult(EVENT, 'first'), RECEIVED_AT)])
    await apply([result(descriptionResult(EVENT, 'second'), RECEIVED_AT + 10)])

    expect(await stored()).to.deep.include({ description: 'second' })
  })

  it('keeps person and description when later states of the event are written', async () => {
    await apply([
      event('new', { frame_time: T }),
      result(faceResult(EVENT, 'alice', 0.8, T)),
      result(descriptionResult(EVENT, 'A courier.')),
    ])
    await apply([event('update', { frame_time: T + 2, sub_label: ['bob', 0.7] })])
    await apply([
      event('end', { frame_time: T + 3, end_time: T + 3, sub_label: ['bob', 0.7] }),
    ])
    const record = await repos.events.get(EVENT)

    expect(record).to.deep.include({
      person: 'alice',
      description: 'A courier.',
      endTime: T + 3,
      subLabel: 'bob',
    })
  })

  it('stores each result once however often it is applied or received', async () => {
    const face = result(faceResult(EVENT, 'alice', 0.8, T))
    const text = descriptionResult(EVENT, 'A courier.')

    await apply([face, result(text, RECEIVED_AT + 5), face])
    await apply([face, result(text, RECEIVED_AT + 9)])
    await apply([result(text, RECEIVED_AT + 1)])
    const results = await repos.eventResults.forEvent(EVENT)

    expect(results.map((r) => [r.kind, r.time])).to.deep.equal([
      ['face', T],
      ['description', RECEIVED_AT + 1],
    ])
  })

  it('keeps a result of a type it does not know, with its whole message', async () => {
    const gait = { type: 'gait', id: EVENT, name: 'alice', stride_cm: 71, timestamp: T }

    await apply([result(gait)])
    const [stored] = await repos.eventResults.forEvent(EVENT)

    expect(stored).to.deep.include({ kind: 'gait', name: 'alice', time: T, score: null })
    expect(stored?.data).to.deep.equal(gait)
  })

  it('reads every field of a licence plate result back', async () => {
    const lpr = {
      type: 'lpr',
      id: EVENT,
      name: 'my car',
      plate: 'AB 123',
      score: 0.93,
      camera: 'driveway',
      timestamp: T,
    }

    await apply([result(lpr)])
    const [stored] = await repos.eventResults.forEvent(EVENT)

    expect(stored).to.deep.include({
      eventId: EVENT,
      kind: 'lpr',
      time: T,
      name: 'my car',
      value: 'AB 123',
      score: 0.93,
      camera: 'driveway',
      receivedAt: RECEIVED_AT,
    })
  })

  it('matches persons against the person from faces or the sub_label', async () => {
    await apply([
      event('new', { start_time: T }, 'by-face'),
      result(faceResult('by-face', 'alice', 0.9, T)),
      event('new', { start_time: T + 1, sub_label: ['alice', 0.8] }, 'by-sub-label'),
      event('new', { start_time: T + 2, sub_label: ['bob', 0.8] }, 'bob'),
      event('new', { start_time: T + 3 }, 'nobody'),
    ])

    const page = async (persons: string[]) =>
      (
        await repos.events.page({
          filter: { persons },
          sort: 'start_time_asc',
          limit: 10,
        })
      ).events.map((e) => e.id)

    expect(await page(['alice'])).to.deep.equal(['by-face', 'by-sub-label'])
    expect(await page(['bob', 'carol'])).to.deep.equal(['bob'])
  })

  it('pages persons from both columns once each, by keyset and offset', async () => {
    // Every third by face, every third by sub_label, every third by both.
    const messages = []
    const expected: string[] = []
    for (let i = 0; i < 24; i++) {
      const id = `p-${String(i).padStart(2, '0')}`
      const subLabel = i % 3 !== 0 ? { sub_label: ['alice', 0.8] } : {}
      messages.push(
        event('new', { start_time: T + (i % 5), top_score: i / 100, ...subLabel }, id),
      )
      if (i % 3 !== 1) messages.push(result(faceResult(id, 'alice', 0.9, T)))
      messages.push(event('new', { start_time: T + i }, `other-${i}`))
      expected.push(id)
    }
    await apply(messages)
    const byStart = [...expected].sort((a, b) => {
      const start = (id: string) => Number(id.slice(2)) % 5
      return start(b) - start(a) || (a < b ? 1 : -1)
    })

    const walk = async (sort: 'start_time_desc' | 'score_desc') => {
      const seen: string[] = []
      let after: { value: number; id: string } | undefined
      for (let pages = 0; pages < 20; pages++) {
        const page = await repos.events.page({
          filter: { persons: ['alice'] },
          sort,
          limit: 5,
          after,
        })
        seen.push(...page.events.map((e) => e.id))
        if (!page.next) return seen
        after = page.next
      }
      return seen
    }
    const offset = await repos.events.page({
      filter: { persons: ['alice'] },
      sort: 'start_time_desc',
      limit: 4,
      offset: 6,
    })

    expect(await walk('start_time_desc')).to.deep.equal(byStart)
    expect(await walk('score_desc')).to.deep.equal([...expected].reverse())
    expect(offset.events.map((e) => e.id)).to.deep.equal(byStart.slice(6, 10))
  })

  it('sets person for more events than one statement can bind', async () => {
    const small = new SmallBindEngine(engine)
    const ids = Array.from({ length: 150 }, (_, i) => `e-${i}`)

    await applyMessages(
      small,
      createRepositories(small),
      ids.map((id) => result(faceResult(id, 'alice', 0.9, T))),
    )
    await applyMessages(
      small,
      createRepositories(small),
      ids.map((id) => event('new', {}, id)),
    )
    const rows = await engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM events WHERE person = ${'alice'}`,
    )

    expect(Number(rows[0]?.n)).to.equal(ids.length)
  })
})

/** The same database, with a bind limit small enough to split every statement. */
class SmallBindEngine extends SwitchableEngine {
  override get capabilities() {
    return { ...this.current.capabilities, maxBindValues: 64 }
  }
}
