import { expect } from 'chai'
import { mapFrigateEvent } from '../../src/ingest/mappers/frigate-event-mapper.js'
import {
  mapNativeEvent,
  type NativeEventMessage,
} from '../../src/ingest/mappers/native-event-mapper.js'
import type { EventRecord } from '../../src/storage/repositories/event-record.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import { clearEvents, snapshotEvents } from '../support/event-snapshot.js'
import { frigateMessage } from '../support/frigate.js'
import { frigateLifecycle, type ReceivedMessage } from '../support/frigate-lifecycle.js'
import { SeededRandom } from '../support/random.js'
import { rejectionOf } from '../support/rejection.js'

const RECEIVED_AT = 1_718_990_000

function frigateRecord(
  type: 'new' | 'update' | 'end',
  id: string,
  overrides: Record<string, unknown> = {},
  receivedAt = RECEIVED_AT,
): EventRecord {
  return mapFrigateEvent(frigateMessage(type, id, overrides), receivedAt)
}

function toRecords(messages: readonly ReceivedMessage[]): EventRecord[] {
  return messages.map((m) => mapFrigateEvent(m.message, m.receivedAt))
}

describeEachEngine('EventsRepository', (ctx) => {
  const upsert = async (records: readonly EventRecord[]) => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    await engine.transaction((tx) => repos.events.upsert(tx, records))
  }

  const snapshot = () =>
    snapshotEvents(ctx().engine, createRepositories(ctx().engine).events)

  it('stores the same rows whatever the arrival order and batch split', async function () {
    this.timeout(60_000)
    const seed = 20240621
    const random = new SeededRandom(seed)
    const lifecycles = Array.from({ length: 30 }, (_, i) => frigateLifecycle(random, i))
    const inOrder = toRecords(lifecycles.flat())

    for (const record of inOrder) await upsert([record])
    const expected = await snapshot()

    for (const lifecycle of lifecycles) {
      const last = lifecycle[lifecycle.length - 1]
      if (!last) continue
      const final = mapFrigateEvent(last.message, last.receivedAt)
      expect(expected.events[final.id], final.id).to.deep.equal(final)
    }
    expect(Object.keys(expected.events)).to.have.length(30)

    for (let round = 0; round < 25; round++) {
      await clearEvents(ctx().engine)
      const shuffled = random.shuffle(inOrder)
      const batches = round === 0 ? [shuffled] : random.split(shuffled, 40)
      for (const batch of batches) await upsert(batch)

      expect(await snapshot(), `seed ${seed}, round ${round}`).to.deep.equal(expected)
    }
  })

  it('keeps the ended state when an update arrives after end', async () => {
    const id = '1718987128.900000-ended'
    const end = frigateRecord('end', id, {
      frame_time: 1_718_987_131,
      end_time: 1_718_987_131,
    })
    const lateOld = frigateRecord('update', id, {
      frame_time: 1_718_987_130,
      score: 0.99,
    })
    const lateNew = frigateRecord('update', id, {
      frame_time: 1_718_987_140,
      score: 0.98,
    })

    await upsert([end])
    await upsert([lateOld])
    await upsert([lateNew])
    const stored = await createRepositories(ctx().engine).events.get(id)

    expect(stored).to.deep.equal(end)
    expect(stored?.endTime).to.equal(1_718_987_131)
  })

  it('marks the event ended when an end message has no end_time', async () => {
    const id = '1718987128.900000-noend'
    await upsert([
      frigateRecord('end', id, { frame_time: 1_718_987_135, end_time: null }),
    ])

    const stored = await createRepositories(ctx().engine).events.get(id)

    expect(stored?.endTime).to.equal(1_718_987_135)
  })

  it('changes nothing when the same messages are applied again', async () => {
    const random = new SeededRandom(7)
    const messages = Array.from({ length: 8 }, (_, i) =>
      frigateLifecycle(random, i),
    ).flat()
    await upsert(toRecords(messages))
    const before = await snapshot()
    const stamps = () =>
      ctx().engine.query(sql`SELECT id, created_at, updated_at FROM events ORDER BY id`)
    const stampsBefore = await stamps()

    const again = messages.map((m) => ({ ...m, receivedAt: m.receivedAt + 5000 }))
    await upsert(toRecords(random.shuffle(again)))
    for (const record of toRecords(again)) await upsert([record])

    expect(await snapshot()).to.deep.equal(before)
    expect(await stamps()).to.deep.equal(stampsBefore)
  })

  it('reduces duplicate ids within one batch to the latest state', async () => {
    const id = '1718987128.900000-dupes'
    const states = [
      frigateRecord('update', id, { frame_time: 1_718_987_130 }),
      frigateRecord('new', id, { frame_time: 1_718_987_129 }),
      frigateRecord('end', id, { frame_time: 1_718_987_132, end_time: 1_718_987_132 }),
      frigateRecord('update', id, { frame_time: 1_718_987_131 }),
      frigateRecord('update', id, { frame_time: 1_718_987_130 }),
    ]

    await upsert(states)

    expect(await createRepositories(ctx().engine).events.get(id)).to.deep.equal(states[2])
  })

  it('ranks end above update above new at the same frame_time', async () => {
    const id = '1718987128.900000-steps'
    const frame = { frame_time: 1_718_987_130 }
    const created = frigateRecord('new', id, { ...frame, score: 0.1 })
    const updated = frigateRecord('update', id, { ...frame, score: 0.2 })
    const ended = frigateRecord('end', id, { ...frame, score: 0.3 })

    await upsert([updated, created])
    expect((await createRepositories(ctx().engine).events.get(id))?.score).to.equal(0.2)
    await upsert([ended, updated])
    expect((await createRepositories(ctx().engine).events.get(id))?.score).to.equal(0.3)
  })

  it('accumulates zones in event_zones across states in any order', async () => {
    const id = '1718987128.900000-zones'
    const events = createRepositories(ctx().engine).events
    const newer = frigateRecord('update', id, {
      frame_time: 1_718_987_131,
      entered_zones: ['yard'],
    })
    const older = frigateRecord('new', id, {
      frame_time: 1_718_987_129,
      entered_zones: ['porch', 'steps'],
    })

    await upsert([newer])
    await upsert([older, older])
    const page = await events.page({
      filter: { zones: ['porch'] },
      sort: 'start_time_desc',
      limit: 10,
    })

    expect((await snapshot()).zones).to.deep.equal([
      `${id} porch`,
      `${id} steps`,
      `${id} yard`,
    ])
    expect(page.events.map((e) => e.id)).to.deep.equal([id])
    expect((await events.get(id))?.zones).to.deep.equal(['yard'])
  })

  it('keeps unknown fields of the payload in data', async () => {
    const id = '1718987128.900000-extra'
    const extra = {
      max_severity: 'alert',
      path_data: [[[0.1, 0.2], 1_718_987_129.5]],
      recognized_license_plate: ['ABC123', 0.93],
      some_future_field: { nested: [1, 'two', null], flag: true },
    }
    await upsert([frigateRecord('new', id, extra)])

    const stored = await createRepositories(ctx().engine).events.get(id)

    expect(stored?.data).to.deep.include(extra)
    expect(stored?.data.id).to.equal(id)
  })

  it('stores a sub_label and its score', async () => {
    const id = '1718987128.900000-named'
    await upsert([frigateRecord('update', id, { sub_label: ['alice', 0.87] })])

    const stored = await createRepositories(ctx().engine).events.get(id)

    expect(stored).to.include({ subLabel: 'alice', subLabelScore: 0.87 })
  })

  it('returns undefined for an id it does not hold', async () => {
    expect(await createRepositories(ctx().engine).events.get('nope')).to.equal(undefined)
  })

  it('writes nothing when the transaction rolls back', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const record = frigateRecord('new', '1718987128.900000-rollbk', {
      entered_zones: ['porch'],
    })

    const failed = engine.transaction(async (tx) => {
      await repos.events.upsert(tx, [record])
      throw new Error('abort')
    })

    expect((await rejectionOf(failed)).message).to.equal('abort')
    expect(await snapshot()).to.deep.equal({ events: {}, zones: [] })
  })

  it('writes batches larger than one statement can bind', async function () {
    this.timeout(60_000)
    const { engine } = ctx()
    const perStatement = Math.floor(engine.capabilities.maxBindValues / 23)
    const records = Array.from({ length: perStatement * 2 + 7 }, (_, i) =>
      frigateRecord('new', `1718987128.900000-b${String(i).padStart(5, '0')}`, {
        entered_zones: ['porch'],
      }),
    )

    await upsert(records)
    const counted = await engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM events`,
    )
    const zones = await engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM event_zones`,
    )

    expect(Number(counted[0]?.n)).to.equal(records.length)
    expect(Number(zones[0]?.n)).to.equal(records.length)
  })
})

describeEachEngine('EventsRepository with native events', (ctx) => {
  const event = (stage: string | undefined, extra: Partial<NativeEventMessage> = {}) =>
    mapNativeEvent(
      {
        event_id: 'evt-20240621-0001',
        event_type: 'face_recognized',
        timestamp: '2024-06-21T16:25:28.500Z',
        source: 'doorbell',
        camera: 'front_door',
        confidence: 0.91,
        data: { person: `person at ${stage ?? 'none'}`, zones: ['porch'] },
        ...(stage === undefined ? {} : { processing_stage: stage }),
        ...extra,
      },
      RECEIVED_AT,
    )

  const storedStage = async () => {
    const record = await createRepositories(ctx().engine).events.get('evt-20240621-0001')
    return record?.processingStage
  }

  it('keeps the later processing stage when stages arrive out of order', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const random = new SeededRandom(99)
    const stages = ['received', 'detected', 'recognized', 'enriched', 'completed']

    for (let round = 0; round < 10; round++) {
      await clearEvents(engine)
      for (const batch of random.split(random.shuffle(stages.map((s) => event(s))), 3)) {
        await engine.transaction((tx) => repos.events.upsert(tx, batch))
      }

      const stored = await repos.events.get('evt-20240621-0001')
      expect(stored, `round ${round}`).to.deep.equal(event('completed'))
    }
  })

  it('replaces an earlier stage with a later one and not the reverse', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const apply = (stage: string | undefined) =>
      engine.transaction((tx) => repos.events.upsert(tx, [event(stage)]))

    await apply(undefined)
    await apply('detected')
    expect(await storedStage()).to.equal('detected')
    await apply('received')
    expect(await storedStage()).to.equal('detected')
    await apply('failed')
    expect(await storedStage()).to.equal('failed')
    await apply('enriched')
    expect(await storedStage()).to.equal('failed')
  })

  it('stores a native event as ended at its own timestamp', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)

    await engine.transaction((tx) =>
      repos.events.upsert(tx, [event('received', { parent_event_id: 'parent-1' })]),
    )
    const stored = await repos.events.get('evt-20240621-0001')

    expect(stored).to.include({
      origin: 'native',
      eventType: 'face_recognized',
      startTime: Date.parse('2024-06-21T16:25:28.500Z') / 1000,
      endTime: Date.parse('2024-06-21T16:25:28.500Z') / 1000,
      parentEventId: 'parent-1',
      subLabel: 'person at received',
      topScore: 0.91,
    })
    expect(stored?.zones).to.deep.equal(['porch'])
  })
})
