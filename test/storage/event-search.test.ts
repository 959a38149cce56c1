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
