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

const EVENT = '1718987128.947436-g92ztx'
const T = 1_718_987_100
const RECEIVED_AT = 1_718_990_000

function state(
  type: 'new' | 'update' | 'end',
  frame: number,
  zones: string[],
): StreamMessage {
  const message = frigateMessage(type, EVENT, {
    start_time: T,
    frame_time: T + frame,
    end_time: type === 'end' ? T + frame : null,
    entered_zones: zones,
  })

  return { stream: 'frigate-event', message, receivedAt: RECEIVED_AT + frame }
}

function result(message: unknown): StreamMessage {
  return { stream: 'frigate-object-update', message, receivedAt: RECEIVED_AT + 50 }
}

/** A lifecycle with zones, a face and a description (received at T + 50). */
const MESSAGES = [
  state('new', 1, []),
  state('update', 2, ['porch']),
  result(faceResult(EVENT, 'alice', 0.8, T + 3)),
  state('update', 4, ['porch', 'yard']),
  state('update', 4, ['porch', 'yard']),
  state('end', 6, ['porch', 'yard']),
  result(descriptionResult(EVENT, 'A person at the door.')),
]

const EXPECTED = [
  { time: T, kind: 'started', detail: null },
  { time: T + 2, kind: 'zone_entered', detail: { zone: 'porch' } },
  { time: T + 3, kind: 'face', detail: { name: 'alice', score: 0.8 } },
  { time: T + 4, kind: 'zone_entered', detail: { zone: 'yard' } },
  { time: T + 6, kind: 'ended', detail: null },
  {
    time: RECEIVED_AT + 50,
    kind: 'description',
    detail: { value: 'A person at the door.' },
  },
]

describeEachEngine('EventTimelineRepository', (ctx) => {
  let engine: Engine
  let repos: Repositories

  beforeEach(() => {
    engine = ctx().engine
    repos = createRepositories(engine)
  })

  const apply = (messages: readonly StreamMessage[]) =>
    applyMessages(engine, repos, messages)
  const timeline = async () =>
    (await repos.eventTimeline.forEvent(EVENT)).map(({ time, kind, detail }) => ({
      time,
      kind,
      detail,
    }))

  it('lists start, zones, results and end in order of time', async () => {
    for (const message of MESSAGES) await apply([message])

    expect(await timeline()).to.deep.equal(EXPECTED)
  })

  it('keeps the first time a zone was seen whatever the arrival order and split', async () => {
    const random = new SeededRandom(3)

    for (let round = 0; round < 10; round++) {
      await engine.run(sql`DELETE FROM event_timeline`)
      for (const batch of random.split(random.shuffle(MESSAGES), 3)) await apply(batch)

      expect(await timeline(), `round ${round}`).to.deep.equal(EXPECTED)
    }
  })

  it('changes nothing when the same messages are applied again', async () => {
    await apply(MESSAGES)
    await apply(MESSAGES)
    for (const message of MESSAGES) await apply([message])
    const rows = await engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM event_timeline`,
    )

    expect(await timeline()).to.deep.equal(EXPECTED)
    expect(Number(rows[0]?.n)).to.equal(EXPECTED.length)
  })

  it('starts a native event at its timestamp', async () => {
    const ring = {
      event_id: 'ring-1',
      event_type: 'doorbell_pressed',
      timestamp: T,
      source: 'doorbell',
    }

    await apply([{ stream: 'native-event', message: ring, receivedAt: RECEIVED_AT }])
    const entries = await repos.eventTimeline.forEvent('ring-1')

    expect(entries).to.deep.equal([
      { eventId: 'ring-1', kind: 'started', key: '', time: T, detail: null },
    ])
  })

  it('is empty for an event it does not know', async () => {
    expect(await repos.eventTimeline.forEvent('nope')).to.deep.equal([])
  })
})
