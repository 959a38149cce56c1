import { expect } from 'chai'
import { eventStatsHandlers } from '../../src/api/handlers/event-stats.js'
import { eventsHandlers } from '../../src/api/handlers/events.js'
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
  faceResult,
  reviewMessage,
  type StreamMessage,
} from '../support/frigate-security.js'
import { silentLogger } from '../support/logger.js'

const schemas = new SchemaRegistry()
const HOUR = 3_600
const DAY = 86_400
const T = 1_718_928_000 // 2024-06-21 00:00 UTC
const NOW = T + 3 * HOUR + 120

const tracked = (
  id: string,
  start: number,
  fields: Record<string, unknown>,
  person?: string,
): StreamMessage[] => [
  {
    stream: 'frigate-event',
    message: frigateMessage('new', id, {
      start_time: start,
      frame_time: start,
      ...fields,
    }),
    receivedAt: NOW,
  },
  ...(person
    ? [
        {
          stream: 'frigate-object-update' as const,
          message: faceResult(id, person, 0.9, start + 1),
          receivedAt: NOW,
        },
      ]
    : []),
]
const review = (id: string, start: number, camera: string, severity: string) => ({
  stream: 'frigate-review' as const,
  message: reviewMessage('end', id, {
    camera,
    severity,
    start_time: start,
    end_time: start + 9,
  }),
  receivedAt: NOW,
})

const SEED: StreamMessage[] = [
  ...tracked('e1', T + 600, { top_score: 0.9 }, 'alice'),
  ...tracked('e2', T + 4000, { top_score: 0.7 }, 'alice'),
  ...tracked('e3', T + 4100, { camera: 'driveway', label: 'car', top_score: 0.5 }),
  {
    stream: 'native-event',
    message: {
      event_id: 'e4',
      event_type: 'doorbell_pressed',
      timestamp: T + 7300,
      source: 'doorbell',
      camera: 'front_door',
      confidence: 1,
    },
    receivedAt: NOW,
  },
  ...tracked('e5', T - 10 * DAY + 100, { top_score: 0.8 }, 'bob'),
  review('r1', T + 600, 'front_door', 'alert'),
  review('r2', T + 4100, 'driveway', 'detection'),
  review('r3', T - 10 * DAY + 100, 'front_door', 'alert'),
]

describeEachEngine('RequestRouter with event stats', (ctx) => {
  let router: RequestRouter

  beforeEach(async () => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    await applyMessages(engine, repos, SEED)
    router = new RequestRouter({
      schemas,
      handlers: {
        ...eventsHandlers({ ...repos, defaultLimit: 2, maxLimit: 3 }),
        ...eventStatsHandlers({ ...repos, now: () => NOW }),
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
    if (envelope.status === 'ok') {
      const data = schemas.validate(responseSchemaId(op), envelope.data)
      expect(data.ok, `${op}: ${JSON.stringify(data)}`).to.equal(true)
    }
    return envelope
  }
  const data = async (op: string, body: Record<string, unknown>) => {
    const envelope = await ask(op, body)
    expect(envelope.error).to.equal(null)
    return envelope.data as Record<string, unknown>
  }

  describe('events/stats', () => {
    it('counts the last 24 whole hours by default, per hour', async () => {
      const stats = await data('events/stats', {})
      const series = stats.series as { start: number; count: number }[]

      expect(stats).to.deep.include({
        after: T - 21 * HOUR,
        before: T + 4 * HOUR,
        bucket: 'hour',
        bucket_seconds: HOUR,
        total: 4,
        event_types: [
          { event_type: 'tracked_object', count: 3, avg_score: 0.7 },
          { event_type: 'doorbell_pressed', count: 1, avg_score: 1 },
        ],
        cameras: [
          { camera: 'front_door', count: 3 },
          { camera: 'driveway', count: 1 },
        ],
        labels: [
          { label: 'person', count: 2 },
          { label: 'car', count: 1 },
          { label: null, count: 1 },
        ],
        top_persons: [{ person: 'alice', count: 2 }],
      })
      expect(series).to.have.length(25)
      expect(series.filter((s) => s.count > 0)).to.deep.equal([
        { start: T, count: 1 },
        { start: T + HOUR, count: 2 },
        { start: T + 2 * HOUR, count: 1 },
      ])
    })

    it('counts per day over a month, whole days from the daily rollup', async () => {
      const stats = await data('events/stats', {
        after: T - 20 * DAY + 1800,
        before: NOW,
      })
      const series = stats.series as { start: number; count: number }[]

      expect(stats).to.deep.include({
        after: T - 20 * DAY,
        before: T + 4 * HOUR,
        bucket: 'day',
        bucket_seconds: DAY,
        total: 5,
        top_persons: [
          { person: 'alice', count: 2 },
          { person: 'bob', count: 1 },
        ],
      })
      expect(series).to.have.length(21)
      expect(series.filter((s) => s.count > 0)).to.deep.equal([
        { start: T - 10 * DAY, count: 1 },
        { start: T, count: 4 },
      ])
    })

    it('counts within a range that starts inside a day', async () => {
      const stats = await data('events/stats', {
        after: T - 10 * DAY + 3000,
        before: NOW,
      })

      expect(stats).to.deep.include({ after: T - 10 * DAY, total: 5, bucket: 'day' })
      const later = await data('events/stats', {
        after: T - 10 * DAY + 3600,
        before: NOW,
      })
      expect(later.total).to.equal(4)
    })

    it('keeps only the cameras, labels and event types asked for', async () => {
      const range = { after: T, before: NOW }

      expect(
        (await data('events/stats', { ...range, cameras: ['driveway'] })).total,
      ).to.equal(1)
      expect(
        (await data('events/stats', { ...range, labels: ['person'] })).total,
      ).to.equal(2)
      expect(
        (await data('events/stats', { ...range, event_types: ['doorbell_pressed'] }))
          .total,
      ).to.equal(1)
    })

    const bad: [string, Record<string, unknown>, string][] = [
      ['after not before before', { after: T, before: T }, 'after'],
      ['a range over 366 days', { after: T - 400 * DAY, before: T }, 'after'],
      ['an unknown field', { camera: ['x'] }, 'camera'],
    ]
    for (const [what, body, field] of bad) {
      it(`refuses ${what}, naming ${field}`, async () => {
        const envelope = await ask('events/stats', body)
        expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field })
      })
    }
  })

  describe('events/summary', () => {
    it('answers today per camera and label, with alerts and detections', async () => {
      const summary = await data('events/summary', {})

      expect(summary.window).to.equal(null)
      expect(summary.today).to.deep.equal({
        after: T,
        before: T + 4 * HOUR,
        events: 4,
        alerts: 1,
        detections: 1,
        cameras: [
          { camera: 'front_door', events: 3, alerts: 1, detections: 0 },
          { camera: 'driveway', events: 1, alerts: 0, detections: 1 },
        ],
        labels: [
          { label: 'person', events: 2 },
          { label: 'car', events: 1 },
          { label: null, events: 1 },
        ],
      })
    })

    it('answers a chosen window too', async () => {
      const summary = await data('events/summary', {
        window: { after: T - 11 * DAY, before: T },
      })

      expect(summary.window).to.deep.equal({
        after: T - 11 * DAY,
        before: T,
        events: 1,
        alerts: 1,
        detections: 0,
        cameras: [{ camera: 'front_door', events: 1, alerts: 1, detections: 0 }],
        labels: [{ label: 'person', events: 1 }],
      })
    })

    it('refuses a window that ends before it starts, naming window.after', async () => {
      const envelope = await ask('events/summary', {
        window: { after: T, before: T - 1 },
      })

      expect(envelope.error).to.deep.include({
        code: 'INVALID_REQUEST',
        field: 'window.after',
      })
    })
  })

  describe('events/query with q and offset', () => {
    const ids = async (body: Record<string, unknown>) =>
      ((await data('events/query', body)).events as { id: string }[]).map((e) => e.id)

    it('finds events by words and pages by offset', async () => {
      expect(await ids({ q: 'alice' })).to.deep.equal(['e2', 'e1'])
      expect(await ids({ q: 'alice', offset: 1 })).to.deep.equal(['e1'])
      expect(
        await ids({ q: 'front_door person', cameras: ['front_door'] }),
      ).to.deep.equal(['e2', 'e1'])
      expect(await ids({ q: '"NEAR(" OR *' })).to.deep.equal([])
    })

    it('pages relevance by a cursor that holds an offset', async () => {
      const first = await data('events/query', { q: 'front door', sort: 'relevance' })
      const second = await data('events/query', {
        q: 'front door',
        sort: 'relevance',
        cursor: first.next_cursor,
      })
      const all = [
        ...(first.events as { id: string }[]),
        ...(second.events as { id: string }[]),
      ]

      expect(all.map((e) => e.id)).to.have.members(['e1', 'e2', 'e4', 'e5'])
      expect(second.next_cursor).to.equal(null)
    })

    const bad: [string, Record<string, unknown>, string][] = [
      ['cursor with offset', { cursor: 'abc', offset: 2 }, 'offset'],
      ['an offset over 1000', { offset: 1001 }, 'offset'],
      ['sort relevance without q', { sort: 'relevance' }, 'sort'],
      ['an empty q', { q: '' }, 'q'],
    ]
    for (const [what, body, field] of bad) {
      it(`refuses ${what}, naming ${field}`, async () => {
        const envelope = await ask('events/query', body)
        expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field })
      })
    }
  })
})
