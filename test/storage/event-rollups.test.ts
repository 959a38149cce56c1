import { expect } from 'chai'
import { ROLLUPS } from '../../src/storage/repositories/event-derived-state.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { raw, sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  descriptionResult,
  faceResult,
  type StreamMessage,
} from '../support/frigate-security.js'
import { SeededRandom } from '../support/random.js'
import { readRollups, recompute } from '../support/rollups.js'

const T0 = 1_718_928_000 // a UTC midnight
const HOUR = 3_600
const CAMERAS = ['front_door', 'driveway', 'garden']
const LABELS = ['person', 'car', 'dog']
const NAMES = ['alice', 'bob', 'unknown', null]

/** States of one event whose camera, label, start, score and person all change. */
function eventMessages(random: SeededRandom, i: number): StreamMessage[] {
  const id = `${T0 + i}.000000-ev${i}`
  const states = random.int(1, 4)
  const messages: StreamMessage[] = []

  for (let s = 0; s < states; s++) {
    const last = s === states - 1 && random.chance(0.6)
    const start = T0 + random.int(0, 71) * HOUR + random.int(0, 3599)
    const fields = {
      camera: random.pick(CAMERAS),
      label: random.pick(LABELS),
      start_time: start,
      frame_time: T0 + 100_000 + s,
      top_score: random.int(0, 1_000_000) / 1_000_000,
      end_time: last ? start + 30 : null,
    }
    const message = frigateMessage(last ? 'end' : 'update', id, fields)
    messages.push({ stream: 'frigate-event', message, receivedAt: T0 + 200_000 })
  }
  for (let r = random.int(0, 3); r > 0; r--) {
    const face = faceResult(
      id,
      random.pick(NAMES),
      random.next(),
      T0 + random.int(0, 999),
    )
    messages.push({ stream: 'frigate-object-update', message: face, receivedAt: T0 })
  }
  if (random.chance(0.2)) {
    const native = {
      event_id: `ring-${i}`,
      event_type: 'doorbell_pressed',
      timestamp: T0 + random.int(0, 71) * HOUR,
      source: 'doorbell',
      camera: random.pick(CAMERAS),
      confidence: random.next(),
    }
    messages.push({ stream: 'native-event', message: native, receivedAt: T0 })
  }

  return messages
}

describeEachEngine('event rollups', (ctx) => {
  const expectExact = async (what: string) => {
    const { engine } = ctx()
    for (const rollup of ROLLUPS) {
      const stored = await readRollups(engine, rollup.table)
      expect(stored, `${rollup.table} ${what}`).to.deep.equal(
        await recompute(engine, rollup.seconds),
      )
    }
  }

  it('equal a recomputation whatever the order, repeats and deletions', async function () {
    this.timeout(120_000)
    const seed = 20_260_105
    const random = new SeededRandom(seed)
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const messages = Array.from({ length: 60 }, (_, i) => eventMessages(random, i)).flat()
    const ids = [...new Set(messages.map((m) => eventId(m.message)))]

    for (let round = 0; round < 4; round++) {
      const sent = random.shuffle([
        ...messages,
        ...messages.filter(() => random.chance(0.3)),
      ])
      for (const batch of random.split(sent, 25)) {
        await applyMessages(engine, repos, batch)
        if (random.chance(0.2)) {
          await repos.events.delete({ ids: ids.filter(() => random.chance(0.1)) })
        }
      }
      await expectExact(`seed ${seed}, round ${round}`)

      await repos.events.delete({ startedBefore: T0 + random.int(0, 72) * HOUR })
      await expectExact(`seed ${seed}, round ${round}, after retention`)
    }
  })

  it('moves the person count when a face result names the person later', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const id = `${T0}.5-late`
    const event = frigateMessage('new', id, { start_time: T0 + 10, frame_time: T0 + 10 })

    await applyMessages(engine, repos, [
      { stream: 'frigate-event', message: event, receivedAt: T0 },
    ])
    const before = await readRollups(engine, ROLLUPS[0].table)
    await applyMessages(engine, repos, [
      {
        stream: 'frigate-object-update',
        message: faceResult(id, 'alice', 0.9, T0 + 11),
        receivedAt: T0,
      },
    ])
    const after = await readRollups(engine, ROLLUPS[0].table)

    expect(Object.keys(before)).to.deep.equal([`${T0} tracked_object front_door person `])
    expect(Object.keys(after)).to.deep.equal([
      `${T0} tracked_object front_door person alice`,
    ])
  })

  it('deletes events with their zones, results, timeline and stages', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const keep = `${T0}.1-keep`
    const gone = `${T0}.2-gone`
    const early = `${T0}.3-early`
    const withAll = (id: string, start: number): StreamMessage[] => [
      {
        stream: 'frigate-event',
        message: frigateMessage('new', id, {
          start_time: start,
          frame_time: start,
          entered_zones: ['porch'],
        }),
        receivedAt: T0,
      },
      {
        stream: 'frigate-object-update',
        message: descriptionResult(id, 'a parcel'),
        receivedAt: T0,
      },
    ]
    await applyMessages(engine, repos, [
      ...withAll(keep, T0 + 5000),
      ...withAll(gone, T0 + 5000),
      ...withAll(early, T0 + 10),
      {
        stream: 'native-event',
        message: {
          event_id: 'ring-gone',
          event_type: 'doorbell_pressed',
          timestamp: T0 + 20,
          source: 'doorbell',
          processing_stage: 'completed',
        },
        receivedAt: T0,
      },
    ])

    const byIds = await repos.events.delete({ ids: [gone, 'never-stored'] })
    const byTime = await repos.events.delete({ startedBefore: T0 + 100 })
    const left = async (table: string, column: string) =>
      (
        await engine.query<{ id: string }>(
          sql`SELECT DISTINCT ${raw(column)} AS id FROM ${raw(table)} ORDER BY 1`,
        )
      ).map((row) => row.id)

    expect([byIds, byTime]).to.deep.equal([1, 2])
    expect(await left('events', 'id')).to.deep.equal([keep])
    for (const table of [
      'event_zones',
      'event_results',
      'event_timeline',
      'event_stages',
    ]) {
      const expected = table === 'event_stages' ? [] : [keep]
      expect(await left(table, 'event_id'), table).to.deep.equal(expected)
    }
    const found = await repos.events.page({
      filter: { words: ['parcel'] },
      sort: 'start_time_desc',
      limit: 10,
    })
    expect(found.events.map((e) => e.id)).to.deep.equal([keep])
    await expectExact('after deletes')
  })
})

function eventId(message: unknown): string {
  const m = message as { id?: string; event_id?: string; after?: { id: string } }

  return m.after?.id ?? m.event_id ?? m.id ?? ''
}
