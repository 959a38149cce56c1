import { expect } from 'chai'
import { eventsHandlers, type WireEventDetails } from '../../src/api/handlers/events.js'
import { reviewsHandlers, type WireReviewPage } from '../../src/api/handlers/reviews.js'
import { REQUEST_ERROR_CODES } from '../../src/api/request-error.js'
import {
  RequestRouter,
  responseSchemaId,
  type Envelope,
} from '../../src/api/request-router.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  descriptionResult,
  faceResult,
  reviewMessage,
  type StreamMessage,
} from '../support/frigate-security.js'
import { silentLogger } from '../support/logger.js'

const schemas = new SchemaRegistry()
const T0 = 1_718_987_000
const PERSON = '1718987010.000000-person'
const CAR = '1718987100.000000-car'

/** The data of each op's answer. */
interface Answers {
  'events/get': WireEventDetails
  'events/query': { events: { id: string }[]; next_cursor: string | null }
  'reviews/query': WireReviewPage
}

const at = (stream: StreamMessage['stream'], message: unknown): StreamMessage => ({
  stream,
  message,
  receivedAt: T0 + 500,
})

/** A person event with zones, results, a review and two child events; a car; reviews. */
const SEED: StreamMessage[] = [
  at(
    'frigate-event',
    frigateMessage('end', PERSON, {
      start_time: T0 + 10,
      frame_time: T0 + 14,
      end_time: T0 + 14,
      top_score: 0.9,
      entered_zones: ['porch'],
    }),
  ),
  at(
    'frigate-event',
    frigateMessage('update', PERSON, {
      start_time: T0 + 10,
      frame_time: T0 + 12,
      top_score: 0.85,
      entered_zones: ['porch'],
    }),
  ),
  at('frigate-object-update', faceResult(PERSON, 'alice', 0.82, T0 + 11)),
  at('frigate-object-update', descriptionResult(PERSON, 'A person with a parcel.')),
  at(
    'frigate-event',
    frigateMessage('new', CAR, {
      label: 'car',
      camera: 'driveway',
      start_time: T0 + 100,
      frame_time: T0 + 101,
      top_score: 0.4,
      sub_label: ['bob', 0.9],
    }),
  ),
  at('native-event', {
    event_id: 'ring-1',
    event_type: 'doorbell_pressed',
    timestamp: T0 + 13,
    source: 'doorbell',
    processing_stage: 'recognized',
    errors: ['face service slow'],
    parent_event_id: PERSON,
  }),
  at('native-event', {
    event_id: 'ring-1',
    event_type: 'doorbell_pressed',
    timestamp: T0 + 13,
    source: 'doorbell',
    processing_stage: 'completed',
    enrichments: { notified: true },
    parent_event_id: PERSON,
  }),
  at(
    'frigate-review',
    reviewMessage('end', 'rev-person', {
      start_time: T0 + 10,
      end_time: T0 + 20,
      severity: 'alert',
      data: {
        detections: [PERSON],
        objects: ['person-verified'],
        sub_labels: ['alice'],
        zones: ['porch'],
      },
    }),
  ),
  at(
    'frigate-review',
    reviewMessage('update', 'rev-car', {
      camera: 'driveway',
      start_time: T0 + 100,
      severity: 'detection',
      data: { detections: [CAR], objects: ['car'] },
    }),
  ),
  at(
    'frigate-review',
    reviewMessage('end', 'rev-dog', {
      camera: 'garden',
      start_time: T0 + 200,
      end_time: T0 + 230,
      severity: 'detection',
      data: { objects: ['dog'], zones: ['yard'] },
    }),
  ),
]

describeEachEngine('RequestRouter with security events', (ctx) => {
  let router: RequestRouter

  beforeEach(async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    await applyMessages(engine, repos, SEED)
    const limits = { defaultLimit: 2, maxLimit: 3 }
    router = new RequestRouter({
      schemas,
      handlers: {
        ...eventsHandlers({ ...repos, ...limits }),
        ...reviewsHandlers({ reviews: repos.reviews, ...limits }),
      },
      baseTopic: 'doorbell-storage',
      responseTopicPrefixes: [],
      logger: silentLogger(),
    })
  })

  /** Asks, and checks the answer against schemas/response/. */
  const ask = async (op: string, body: Record<string, unknown>): Promise<Envelope> => {
    const reply = await router.handle(op, Buffer.from(JSON.stringify(body)))
    const envelope = JSON.parse(reply.payload) as Envelope
    const shape = schemas.validate('response/envelope.schema.json', envelope)
    expect(shape.ok, JSON.stringify(shape)).to.equal(true)

    if (envelope.status === 'ok') {
      const data = schemas.validate(responseSchemaId(op), envelope.data)
      expect(data.ok, `${op}: ${JSON.stringify(data)}`).to.equal(true)
    } else {
      expect(REQUEST_ERROR_CODES).to.include(envelope.error?.code)
    }

    return envelope
  }
  const data = async <Op extends keyof Answers>(
    op: Op,
    body: Record<string, unknown>,
  ): Promise<Answers[Op]> => {
    const envelope = await ask(op, body)
    expect(envelope.error).to.equal(null)
    return envelope.data as Answers[Op]
  }
  const ids = async (
    op: 'events/query' | 'reviews/query',
    body: Record<string, unknown>,
  ): Promise<string[]> => {
    const answer = await data(op, { limit: 3, ...body })
    const rows = 'events' in answer ? answer.events : answer.reviews
    return rows.map((row) => row.id)
  }

  describe('events/get', () => {
    it('answers with the timeline, results, stages, reviews and children', async () => {
      const event = await data('events/get', { id: PERSON })

      expect(event).to.deep.include({
        id: PERSON,
        person: 'alice',
        description: 'A person with a parcel.',
        end_time: T0 + 14,
      })
      expect(event.timeline).to.deep.equal([
        { time: T0 + 10, kind: 'started', detail: null },
        { time: T0 + 11, kind: 'face', detail: { name: 'alice', score: 0.82 } },
        { time: T0 + 12, kind: 'zone_entered', detail: { zone: 'porch' } },
        { time: T0 + 14, kind: 'ended', detail: null },
        {
          time: T0 + 500,
          kind: 'description',
          detail: { value: 'A person with a parcel.' },
        },
      ])
      expect(event.results.map((r) => [r.kind, r.name, r.value])).to.deep.equal([
        ['face', 'alice', null],
        ['description', null, 'A person with a parcel.'],
      ])
      expect(event.reviews.map((r) => r.id)).to.deep.equal(['rev-person'])
      expect(event.reviews[0]).to.deep.include({
        severity: 'alert',
        objects: ['person-verified'],
        in_progress: false,
      })
      expect(event.children.map((c) => c.id)).to.deep.equal(['ring-1'])
      expect(event.stages).to.deep.equal([])
    })

    it('links the person a face result names to the face database when known', async () => {
      expect((await data('events/get', { id: PERSON })).known_person).to.equal(null)

      const { engine } = ctx()
      const repos = createRepositories(engine)
      const alice = {
        name: 'alice',
        list: 'blacklist' as const,
        reason: 'parcels',
        metadata: {},
      }
      const id = await engine.transaction((tx) => repos.faces.insertPerson(tx, alice, T0))

      expect((await data('events/get', { id: PERSON })).known_person).to.deep.equal({
        id,
        name: 'alice',
        list: 'blacklist',
      })
      expect((await data('events/get', { id: CAR })).known_person).to.equal(null)
    })

    it("answers a child event with each stage's enrichments and errors", async () => {
      const child = await data('events/get', { id: 'ring-1' })

      expect(child).to.deep.include({
        parent_event_id: PERSON,
        processing_stage: 'completed',
      })
      expect(child.stages.map((s) => [s.stage, s.enrichments, s.errors])).to.deep.equal([
        ['recognized', null, ['face service slow']],
        ['completed', { notified: true }, []],
      ])
      expect(child.timeline).to.deep.equal([
        { time: T0 + 13, kind: 'started', detail: null },
      ])
    })

    it('answers an event without results with empty lists and null person', async () => {
      const car = await data('events/get', { id: CAR })

      expect(car).to.deep.include({ person: null, description: null, sub_label: 'bob' })
      expect(car.results).to.deep.equal([])
      expect(car.children).to.deep.equal([])
      expect(car.reviews.map((r) => r.id)).to.deep.equal(['rev-car'])
    })
  })

  describe('events/query', () => {
    it('matches persons by the person from faces or by the sub_label', async () => {
      expect(await ids('events/query', { persons: ['alice'] })).to.deep.equal([PERSON])
      expect(await ids('events/query', { persons: ['bob', 'carol'] })).to.deep.equal([
        CAR,
      ])
    })

    it('keeps events up to max_score', async () => {
      expect(await ids('events/query', { max_score: 0.5 })).to.deep.equal([CAR, 'ring-1'])
      expect(
        await ids('events/query', { min_score: 0.5, max_score: 0.95 }),
      ).to.deep.equal([PERSON])
    })

    it('refuses a min_score above max_score, naming min_score', async () => {
      const envelope = await ask('events/query', { min_score: 0.8, max_score: 0.5 })

      expect(envelope.error).to.deep.include({
        code: 'INVALID_REQUEST',
        field: 'min_score',
      })
    })

    it('refuses persons that is not a list of names', async () => {
      const envelope = await ask('events/query', { persons: 'alice' })

      expect(envelope.error).to.deep.include({
        code: 'INVALID_REQUEST',
        field: 'persons',
      })
    })
  })

  describe('reviews/query', () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['no filter, newest first', {}, ['rev-dog', 'rev-car', 'rev-person']],
      [
        'sort start_time_asc',
        { sort: 'start_time_asc' },
        ['rev-person', 'rev-car', 'rev-dog'],
      ],
      ['cameras', { cameras: ['driveway', 'garden'] }, ['rev-dog', 'rev-car']],
      ['severity', { severity: ['alert'] }, ['rev-person']],
      ['after and before', { after: T0 + 100, before: T0 + 200 }, ['rev-car']],
      ['objects', { objects: ['person-verified', 'dog'] }, ['rev-dog', 'rev-person']],
      ['sub_labels', { sub_labels: ['alice'] }, ['rev-person']],
      ['zones', { zones: ['yard'] }, ['rev-dog']],
      ['in_progress true', { in_progress: true }, ['rev-car']],
      ['in_progress false', { in_progress: false }, ['rev-dog', 'rev-person']],
    ]

    for (const [what, body, expected] of cases) {
      it(`filters by ${what}`, async () => {
        expect(await ids('reviews/query', body)).to.deep.equal(expected)
      })
    }

    it('pages with next_cursor at the default limit and caps the limit', async () => {
      const first = await data('reviews/query', {})
      const second = await data('reviews/query', { cursor: first.next_cursor })
      const capped = await data('reviews/query', { limit: 100 })

      expect(first.limit).to.equal(2)
      expect(first.reviews.map((r) => r.id)).to.deep.equal(['rev-dog', 'rev-car'])
      expect(second.reviews.map((r) => r.id)).to.deep.equal(['rev-person'])
      expect(second.next_cursor).to.equal(null)
      expect(capped.limit).to.equal(3)
    })

    it('answers each review with its lists and the full item', async () => {
      const [review] = (await data('reviews/query', { zones: ['porch'] })).reviews

      expect(review).to.deep.include({
        id: 'rev-person',
        camera: 'front_door',
        start_time: T0 + 10,
        end_time: T0 + 20,
        detections: [PERSON],
        sub_labels: ['alice'],
        audio: [],
      })
      expect(review?.data.data).to.deep.include({ objects: ['person-verified'] })
    })

    const bad: [string, Record<string, unknown>, string][] = [
      ['an unknown severity', { severity: ['critical'] }, 'severity.0'],
      ['an unknown sort', { sort: 'score_desc' }, 'sort'],
      ['after not before before', { after: T0 + 5, before: T0 + 5 }, 'after'],
      ['an unknown field', { camera: ['front_door'] }, 'camera'],
      ['a damaged cursor', { cursor: 'bm9wZQ' }, 'cursor'],
    ]

    for (const [what, body, field] of bad) {
      it(`refuses ${what}, naming ${field}`, async () => {
        const envelope = await ask('reviews/query', body)

        expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field })
      })
    }

    it('refuses a cursor of events/query or of the other sort', async () => {
      const events = await data('events/query', {})
      const asc = await data('reviews/query', { sort: 'start_time_asc' })

      const fromEvents = await ask('reviews/query', { cursor: events.next_cursor })
      const otherSort = await ask('reviews/query', { cursor: asc.next_cursor })

      expect(fromEvents.error).to.deep.include({
        code: 'INVALID_REQUEST',
        field: 'cursor',
      })
      expect(otherSort.error).to.deep.include({
        code: 'INVALID_REQUEST',
        field: 'cursor',
      })
    })
  })
})
