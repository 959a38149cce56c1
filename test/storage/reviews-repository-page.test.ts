import { expect } from 'chai'
import { mapFrigateReview } from '../../src/ingest/mappers/frigate-review-mapper.js'
import type { ReviewRecord } from '../../src/storage/repositories/review-record.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import {
  REVIEW_SORTS,
  type ReviewFilter,
  type ReviewKey,
  type ReviewSort,
  type ReviewsRepository,
} from '../../src/storage/repositories/reviews-repository.js'
import { describeEachEngine } from '../support/engines.js'
import { CAMERAS, ZONES } from '../support/frigate-lifecycle.js'
import { reviewMessage } from '../support/frigate-security.js'
import { SeededRandom } from '../support/random.js'

const T0 = 1_718_990_000
// Few distinct start times, so that many rows tie on the sort key.
const START_OFFSETS = [0, 10.123456, 20, 30.000001]

function dataset(random: SeededRandom): ReviewRecord[] {
  return Array.from({ length: 40 }, (_, i) => {
    const start = T0 + random.pick(START_OFFSETS)
    const ended = random.chance(0.6)
    const message = reviewMessage(
      ended ? 'end' : 'update',
      `r-${random.int(10, 99)}-${i}`,
      {
        camera: random.pick(CAMERAS),
        severity: random.pick(['alert', 'detection']),
        start_time: start,
        end_time: ended ? start + 15 : null,
        data: {
          objects: ['person', 'person-verified', 'car'].filter(() => random.chance(0.4)),
          sub_labels: ['alice', 'bob'].filter(() => random.chance(0.3)),
          zones: ZONES.filter(() => random.chance(0.3)),
          detections: [`d-${i}`],
        },
      },
    )

    return mapFrigateReview(message, T0 + 100)
  })
}

/** The filter as the repository should apply it, in plain code. */
function matches(record: ReviewRecord, filter: ReviewFilter): boolean {
  const anyOf = (wanted: string[] | undefined, values: string[]) =>
    wanted === undefined || values.some((v) => wanted.includes(v))

  return (
    anyOf(filter.cameras, [record.camera]) &&
    anyOf(filter.severities, [record.severity]) &&
    anyOf(filter.objects, record.values.objects) &&
    anyOf(filter.subLabels, record.values.sub_labels) &&
    anyOf(filter.zones, record.values.zones) &&
    (filter.after === undefined || record.startTime >= filter.after) &&
    (filter.before === undefined || record.startTime < filter.before) &&
    (filter.inProgress === undefined || (record.endTime === null) === filter.inProgress)
  )
}

function expectedOrder(records: ReviewRecord[], sort: ReviewSort): string[] {
  const byId = (a: ReviewRecord, b: ReviewRecord) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  const sorted = [...records].sort((a, b) =>
    sort === 'start_time_asc'
      ? a.startTime - b.startTime || byId(a, b)
      : b.startTime - a.startTime || byId(b, a),
  )

  return sorted.map((r) => r.id)
}

async function readAllPages(
  reviews: ReviewsRepository,
  filter: ReviewFilter,
  sort: ReviewSort,
  limit: number,
): Promise<string[]> {
  const ids: string[] = []
  let after: ReviewKey | undefined

  for (let pages = 0; pages < 1000; pages++) {
    const page = await reviews.page({ filter, sort, limit, after })
    ids.push(...page.reviews.map((r) => r.id))
    if (page.next === null) return ids
    expect(page.reviews).to.have.length(limit)
    after = page.next
  }

  throw new Error('paging did not end')
}

const FILTERS: ReviewFilter[] = [
  {},
  { cameras: ['front_door'] },
  { cameras: ['driveway', 'garden'] },
  { severities: ['alert'] },
  { severities: ['detection'] },
  { after: T0 + 10 },
  { before: T0 + 20 },
  { after: T0 + 10, before: T0 + 30 },
  { objects: ['person-verified'] },
  { objects: ['car', 'person'] },
  { subLabels: ['alice'] },
  { zones: ['porch', 'yard'] },
  { inProgress: true },
  { inProgress: false },
  {
    cameras: ['front_door'],
    severities: ['alert'],
    objects: ['person'],
    inProgress: false,
  },
]

describeEachEngine('ReviewsRepository.page', (ctx) => {
  let records: ReviewRecord[] = []

  beforeEach(async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    records = dataset(new SeededRandom(7))
    await engine.transaction((tx) => repos.reviews.upsert(tx, records))
  })

  it('builds a dataset where every filter keeps some rows and drops others', () => {
    for (const filter of FILTERS.slice(1, -1)) {
      const kept = records.filter((r) => matches(r, filter)).length
      expect(kept, JSON.stringify(filter)).to.be.within(1, records.length - 1)
    }
  })

  for (const filter of FILTERS) {
    it(`returns the rows matching ${JSON.stringify(filter)} in order across pages`, async () => {
      const { reviews } = createRepositories(ctx().engine)
      const expectedRows = records.filter((r) => matches(r, filter))

      for (const sort of REVIEW_SORTS) {
        const expected = expectedOrder(expectedRows, sort)
        for (const limit of [3, 1000]) {
          const ids = await readAllPages(reviews, filter, sort, limit)
          expect(ids, `${sort}, limit ${limit}`).to.deep.equal(expected)
        }
      }
    })
  }

  it('returns each review with its list values', async () => {
    const { reviews } = createRepositories(ctx().engine)

    const page = await reviews.page({ filter: {}, sort: 'start_time_asc', limit: 100 })
    const byId = new Map(page.reviews.map((r) => [r.id, r]))

    for (const record of records) {
      expect(byId.get(record.id)?.values, record.id).to.deep.equal(record.values)
    }
  })
})
