import { expect } from 'chai'
import { mapFrigateEvent } from '../../src/ingest/mappers/frigate-event-mapper.js'
import type { FrigateEventMessage } from '../../src/ingest/mappers/frigate-event-mapper.js'
import { mapNativeEvent } from '../../src/ingest/mappers/native-event-mapper.js'
import type { EventRecord } from '../../src/storage/repositories/event-record.js'
import {
  EVENT_SORTS,
  type EventFilter,
  type EventKey,
  type EventSort,
  type EventsRepository,
} from '../../src/storage/repositories/events-repository.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'
import { CAMERAS, LABELS, ZONES } from '../support/frigate-lifecycle.js'
import { frigateMessage } from '../support/frigate.js'
import { SeededRandom } from '../support/random.js'

const T0 = 1_718_990_000
// Few distinct values, so that many rows tie on the sort key.
// Fractions that do not round-trip through decimal text test the keyset too.
const START_OFFSETS = [0, 10.123456, 20, 30.000001, 40.1, 50.987654]
const SCORES = [0.1 + 0.2, 0.5, 1 / 3, 0.7, 0.9]

/** Frigate objects and native events with every attribute a filter reads. */
function dataset(random: SeededRandom): EventRecord[] {
  const records: EventRecord[] = []

  for (let i = 0; i < 48; i++) {
    const ended = random.chance(0.6)
    const start = T0 + random.pick(START_OFFSETS)
    const zones = ZONES.filter(() => random.chance(0.3))
    const name = random.pick(['alice', 'bob', null])
    const message = frigateMessage(
      ended ? 'end' : 'update',
      `f-${random.int(100, 999)}-${i}`,
      {
        camera: random.pick(CAMERAS),
        label: random.pick(LABELS),
        start_time: start,
        frame_time: start + 1,
        end_time: ended ? start + 5 : null,
        top_score: random.pick(SCORES),
        sub_label: name === null ? null : [name, 0.8],
        entered_zones: zones,
        has_clip: random.chance(0.5),
        has_snapshot: random.chance(0.5),
      },
    )
    records.push(mapFrigateEvent(message, T0 + 100))
  }

  for (let i = 0; i < 12; i++) {
    const camera = random.chance(0.75) ? random.pick(CAMERAS) : undefined
    records.push(
      mapNativeEvent(
        {
          event_id: `n-${random.int(100, 999)}-${i}`,
          event_type: random.pick(['doorbell_pressed', 'face_recognized']),
          timestamp: T0 + random.pick(START_OFFSETS),
          source: 'doorbell',
          ...(camera === undefined ? {} : { camera }),
          confidence: random.pick(SCORES),
          processing_stage: 'completed',
          data: {
            person: random.pick(['alice', 'carol']),
            zones: ['porch'],
            label: 'person',
          },
        },
        T0 + 100,
      ),
    )
  }

  return records
}

/** The filter as the repository should apply it, in plain code. */
function matches(record: EventRecord, filter: EventFilter): boolean {
  const inList = (list: string[] | undefined, value: string | null) =>
    list === undefined || (value !== null && list.includes(value))

  return (
    inList(filter.cameras, record.camera) &&
    inList(filter.labels, record.label) &&
    inList(filter.subLabels, record.subLabel) &&
    inList(filter.eventTypes, record.eventType) &&
    (filter.zones === undefined || record.zones.some((z) => filter.zones?.includes(z))) &&
    (filter.after === undefined || record.startTime >= filter.after) &&
    (filter.before === undefined || record.startTime < filter.before) &&
    (filter.minScore === undefined || record.topScore >= filter.minScore) &&
    (filter.maxScore === undefined || record.topScore <= filter.maxScore) &&
    (filter.hasClip === undefined || record.hasClip === filter.hasClip) &&
    (filter.hasSnapshot === undefined || record.hasSnapshot === filter.hasSnapshot) &&
    (filter.inProgress === undefined || (record.endTime === null) === filter.inProgress)
  )
}

function byId(a: EventRecord, b: EventRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function expectedOrder(records: EventRecord[], sort: EventSort): string[] {
  const sorted = [...records].sort((a, b) => {
    if (sort === 'start_time_asc') return a.startTime - b.startTime || byId(a, b)
    if (sort === 'start_time_desc') return b.startTime - a.startTime || byId(b, a)
    return b.topScore - a.topScore || byId(b, a)
  })

  return sorted.map((r) => r.id)
}

/** Follows `next` to the end; checks page sizes on the way. */
async function readAllPages(
  events: EventsRepository,
  filter: EventFilter,
  sort: EventSort,
  limit: number,
): Promise<string[]> {
  const ids: string[] = []
  let after: EventKey | undefined

  for (let pages = 0; pages < 1000; pages++) {
    const page = await events.page({ filter, sort, limit, after })
    ids.push(...page.events.map((e) => e.id))
    if (page.next === null) {
      expect(page.events.length).to.be.at.most(limit)
      return ids
    }
    expect(page.events).to.have.length(limit)
    after = page.next
  }

  throw new Error('paging did not end')
}

const FILTERS: EventFilter[] = [
  {},
  { cameras: ['front_door'] },
  { cameras: ['front_door', 'garden'] },
  { labels: ['car'] },
  { labels: ['person', 'dog'] },
  { subLabels: ['alice'] },
  { subLabels: ['bob', 'carol'] },
  { zones: ['porch'] },
  { zones: ['yard', 'street'] },
  { eventTypes: ['doorbell_pressed'] },
  { eventTypes: ['tracked_object', 'face_recognized'] },
  { after: T0 + 20 },
  { before: T0 + 20 },
  { after: T0 + 10, before: T0 + 40 },
  { minScore: 0.5 },
  { minScore: 0.9 },
  { maxScore: 0.5 },
  { minScore: 1 / 3, maxScore: 0.7 },
  { hasClip: true },
  { hasClip: false },
  { hasSnapshot: true },
  { hasSnapshot: false },
  { inProgress: true },
  { inProgress: false },
  {
    cameras: ['driveway', 'front_door'],
    labels: ['person'],
    minScore: 0.5,
    inProgress: false,
  },
  { zones: ['porch'], subLabels: ['alice'], hasSnapshot: true, after: T0 + 10 },
]

describeEachEngine('EventsRepository.page', (ctx) => {
  let records: EventRecord[] = []

  beforeEach(async () => {
    const { engine } = ctx()
    records = dataset(new SeededRandom(42))
    const repos = createRepositories(engine)
    await engine.transaction((tx) => repos.events.upsert(tx, records))
  })

  it('builds a dataset where every filter keeps some rows and drops others', () => {
    for (const filter of FILTERS.slice(1)) {
      const kept = records.filter((r) => matches(r, filter)).length
      expect(kept, JSON.stringify(filter)).to.be.within(1, records.length - 1)
    }
  })

  for (const filter of FILTERS) {
    it(`returns the rows matching ${JSON.stringify(filter)} in order across pages`, async () => {
      const { events } = createRepositories(ctx().engine)
      const expectedRows = records.filter((r) => matches(r, filter))

      for (const sort of EVENT_SORTS) {
        const expected = expectedOrder(expectedRows, sort)
        for (const limit of [2, 5, 1000]) {
          const ids = await readAllPages(events, filter, sort, limit)
          expect(ids, `${sort}, limit ${limit}`).to.deep.equal(expected)
        }
      }
    })
  }

  it('breaks ties on start_time by id, across page boundaries', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    const ids = ['tie-c', 'tie-a', 'tie-e', 'tie-b', 'tie-d']
    const tied = ids.map((id) =>
      mapFrigateEvent(
        frigateMessage('new', id, {
          camera: 'tie_cam',
          start_time: T0 + 500,
          frame_time: T0 + 501,
        }) as FrigateEventMessage,
        T0,
      ),
    )
    await engine.transaction((tx) => repos.events.upsert(tx, tied))
    const filter = { cameras: ['tie_cam'] }

    const desc = await readAllPages(repos.events, filter, 'start_time_desc', 2)
    const asc = await readAllPages(repos.events, filter, 'start_time_asc', 2)

    expect(desc).to.deep.equal(['tie-e', 'tie-d', 'tie-c', 'tie-b', 'tie-a'])
    expect(asc).to.deep.equal(['tie-a', 'tie-b', 'tie-c', 'tie-d', 'tie-e'])
  })

  it('returns the sort key and id of the last row as next', async () => {
    const { events } = createRepositories(ctx().engine)

    const byStart = await events.page({ filter: {}, sort: 'start_time_asc', limit: 3 })
    const byScore = await events.page({ filter: {}, sort: 'score_desc', limit: 3 })
    const lastByStart = byStart.events[2]
    const lastByScore = byScore.events[2]

    expect(byStart.next).to.deep.equal({
      value: lastByStart?.startTime,
      id: lastByStart?.id,
    })
    expect(byScore.next).to.deep.equal({
      value: lastByScore?.topScore,
      id: lastByScore?.id,
    })
  })

  it('returns an empty last page with next null when nothing matches', async () => {
    const { events } = createRepositories(ctx().engine)

    const page = await events.page({
      filter: { cameras: ['no_such_camera'] },
      sort: 'score_desc',
      limit: 10,
    })

    expect(page).to.deep.equal({ events: [], next: null })
  })
})
