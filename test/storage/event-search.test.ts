import { expect } from 'chai'
import { searchWords } from '../../src/storage/event-search.js'
import type { EventSort } from '../../src/storage/repositories/events-repository.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  descriptionResult,
  faceResult,
  type StreamMessage,
} from '../support/frigate-security.js'

const T0 = 1_718_987_000
const PARCEL = `${T0}.1-parcel`
const CAR = `${T0}.2-car`
const DOG = `${T0}.3-dog`

const event = (
  id: string,
  start: number,
  fields: Record<string, unknown>,
): StreamMessage => ({
  stream: 'frigate-event',
  message: frigateMessage('new', id, { start_time: start, frame_time: start, ...fields }),
  receivedAt: T0,
})
const result = (message: unknown): StreamMessage => ({
  stream: 'frigate-object-update',
  message,
  receivedAt: T0 + 100,
})

const SEED: StreamMessage[] = [
  event(PARCEL, T0 + 10, { top_score: 0.7 }),
  result(descriptionResult(PARCEL, 'A person carrying a parcel to the door.')),
  result(faceResult(PARCEL, 'alice', 0.9, T0 + 11)),
  event(CAR, T0 + 20, { camera: 'driveway', label: 'car', sub_label: ['bob', 0.8] }),
  result(descriptionResult(CAR, 'A red car parks; a person gets out with a parcel.')),
  event(DOG, T0 + 30, { camera: 'back_garden', label: 'dog' }),
]

describe('searchWords', () => {
  it('keeps letters and digits only, lower-cased and once each', () => {
    expect(searchWords('"Alice" AND bob* NEAR(x y) -c:d alice')).to.deep.equal([
      'alice',
      'and',
      'bob',
      'near',
      'x',
      'y',
      'c',
      'd',
    ])
    expect(searchWords('*** "" ()')).to.deep.equal([])
  })
})

describeEachEngine('EventsRepository search', (ctx) => {
  const search = async (
    q: string,
    sort: EventSort = 'start_time_desc',
    offset?: number,
  ) => {
    const { events } = createRepositories(ctx().engine)
    const page = await events.page({
      filter: { words: searchWords(q) },
      sort,
      limit: 10,
      offset,
    })
    return page.events.map((e) => e.id)
  }

  beforeEach(async () => {
    const { engine } = ctx()
    await applyMessages(engine, createRepositories(engine), SEED)
  })

  const cases: [string, string, string[]][] = [
    ['a word of the description', 'parcel', [CAR, PARCEL]],
    ['every word, in any order and case', 'PARCEL Red', [CAR]],
    ['the person from faces', 'alice', [PARCEL]],
    ['the sub_label', 'bob', [CAR]],
    ['the label', 'dog', [DOG]],
    ['a camera name with its underscore', 'back_garden', [DOG]],
    ['a part of a camera name', 'garden', [DOG]],
    ['nothing for an unknown word', 'bicycle', []],
    ['nothing for a word part', 'parc', []],
    ['quotes as word separators', '"parcel" "red', [CAR]],
    ['AND, OR, NOT and NEAR as words', 'parcel OR dog', []],
    ['NEAR syntax as words', 'NEAR(parcel red)', []],
    ['a star as a separator', 'parcel*', [CAR, PARCEL]],
    ['column filters as words', 'body:parcel', []],
    ['tsquery operators as words', 'parcel & !red | dog', []],
    ['nothing for a query without words', '*** ""', []],
  ]

  for (const [what, q, expected] of cases) {
    it(`matches ${what} (${q})`, async () => {
      expect(await search(q)).to.deep.equal(expected)
    })
  }

  it('sorts by relevance and pages by offset', async () => {
    const parcel = await search('parcel person', 'start_time_asc')
    const second = await search('parcel person', 'start_time_asc', 1)
    const relevant = await search('parcel person', 'relevance')

    expect(parcel).to.deep.equal([PARCEL, CAR])
    expect(second).to.deep.equal([CAR])
    expect(relevant).to.have.members([PARCEL, CAR])
  })

  it('follows a changed description and drops deleted events', async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)

    await applyMessages(engine, repos, [
      { ...result(descriptionResult(DOG, 'A dog digs.')), receivedAt: T0 + 200 },
    ])
    const digs = await search('digs')
    await repos.events.delete({ ids: [DOG] })

    expect(digs).to.deep.equal([DOG])
    expect(await search('digs')).to.deep.equal([])
    expect(await search('dog')).to.deep.equal([])
  })
})

describeEachEngine('EventsRepository search sorted by time', (ctx) => {
  // Many events per hundredth of a second (SQLite's index keeps its entries
  // in time order by such slots), some in the same instant, some not matching.
  const starts = Array.from(
    { length: 120 },
    (_, i) => T0 + Math.floor(i / 7) * 0.013 + (i % 3) * 0.004,
  )
  const ids = starts.map((_, i) => `${T0}.${String(i).padStart(3, '0')}-walk`)
  const labels = starts.map((_, i) => (i % 5 === 0 ? 'car' : 'person'))

  beforeEach(async () => {
    const { engine } = ctx()
    // Written in an order unrelated to the start times.
    const order = ids.map((_, i) => (i * 37) % ids.length)
    await applyMessages(
      engine,
      createRepositories(engine),
      order.map((i) =>
        event(ids[i] ?? '', starts[i] ?? T0, {
          label: labels[i],
          camera: i % 2 ? 'a' : 'b',
        }),
      ),
    )
  })

  const expected = (descending: boolean, keep: (i: number) => boolean) =>
    ids
      .map((id, i) => ({ id, start: starts[i] ?? 0, i }))
      .filter(({ i }) => labels[i] === 'person' && keep(i))
      .sort(
        (a, b) => (a.start - b.start || (a.id < b.id ? -1 : 1)) * (descending ? -1 : 1),
      )
      .map(({ id }) => id)

  const walk = async (sort: EventSort, filter: Record<string, unknown> = {}) => {
    const { events } = createRepositories(ctx().engine)
    const seen: string[] = []
    let after: { value: number; id: string } | undefined
    for (let pages = 0; pages < 100; pages++) {
      const page = await events.page({
        filter: { words: ['person'], ...filter },
        sort,
        limit: 4,
        after,
      })
      seen.push(...page.events.map((e) => e.id))
      if (!page.next) break
      after = page.next
    }
    return seen
  }

  for (const descending of [true, false]) {
    const sort = descending ? 'start_time_desc' : 'start_time_asc'

    it(`pages every match exactly once in ${sort} order`, async () => {
      expect(await walk(sort)).to.deep.equal(expected(descending, () => true))
    })

    it(`keeps a time range and a camera in ${sort} order`, async () => {
      const after = starts[30] ?? T0
      const before = starts[90] ?? T0
      const keep = (i: number) =>
        (starts[i] ?? 0) >= after && (starts[i] ?? 0) < before && i % 2 === 1
      expect(await walk(sort, { after, before, cameras: ['a'] })).to.deep.equal(
        expected(descending, keep),
      )
    })
  }

  it('skips an offset in time order', async () => {
    const { events } = createRepositories(ctx().engine)
    const page = await events.page({
      filter: { words: ['person'] },
      sort: 'start_time_desc',
      limit: 5,
      offset: 9,
    })
    expect(page.events.map((e) => e.id)).to.deep.equal(
      expected(true, () => true).slice(9, 14),
    )
  })

  it('follows an event whose start time changes', async () => {
    const { engine } = ctx()
    const moved = ids[1] ?? ''
    await applyMessages(engine, createRepositories(engine), [
      {
        ...event(moved, T0 + 100, { label: 'person', camera: 'b' }),
        message: frigateMessage('end', moved, {
          start_time: T0 + 100,
          frame_time: T0 + 101,
          end_time: T0 + 102,
          label: 'person',
        }),
      },
    ])
    const newest = await walk('start_time_desc')
    expect(newest[0]).to.equal(moved)
    expect(newest.filter((id) => id === moved)).to.have.length(1)
  })
})
